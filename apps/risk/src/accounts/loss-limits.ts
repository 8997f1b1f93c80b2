import { Dec, formatDecimal } from '@alphintra/money';

/** One position of an account now and at the start of the UTC day, with the prices risk knows. */
export interface Holding {
  symbol: string;
  quantity: string;
  avgPrice: string;
  /** Cumulative, as trading reports it on every position change. */
  realizedPnl: string;
  /** The position as of its last change before the day began. */
  start: { quantity: string; avgPrice: string; realizedPnl: string };
  /** The last price; null when risk has seen none (the position is then valued at its average price). */
  price: string | null;
  /** The last price before the day began; null when unknown (today's move of a carried position then counts 0). */
  startPrice: string | null;
}

export interface DailyPnl {
  realized: Dec;
  unrealized: Dec;
  total: Dec;
}

/**
 * The P&L of the UTC day: realized today (cumulative realized now less at the day's start) plus
 * the change of unrealized P&L (quantity x (price - average price)) since the day's start. It is
 * the day's mark-to-market result of the positions, whatever was bought or sold in between.
 */
export function dailyPnl(holdings: Holding[]): DailyPnl {
  let realized = new Dec(0);
  let unrealized = new Dec(0);
  for (const h of holdings) {
    const price = new Dec(h.price ?? h.avgPrice);
    const startPrice = h.startPrice !== null ? new Dec(h.startPrice) : h.price !== null ? price : new Dec(h.start.avgPrice);
    realized = realized.plus(new Dec(h.realizedPnl).minus(h.start.realizedPnl));
    const now = price.minus(h.avgPrice).times(h.quantity);
    const atStart = startPrice.minus(h.start.avgPrice).times(h.start.quantity);
    unrealized = unrealized.plus(now.minus(atStart));
  }
  return { realized, unrealized, total: realized.plus(unrealized) };
}

/** Lifetime P&L (realized + unrealized) and the money at work (cost basis) of an account. */
export function standing(holdings: Holding[]): { pnl: Dec; costBasis: Dec } {
  let pnl = new Dec(0);
  let costBasis = new Dec(0);
  for (const h of holdings) {
    const price = new Dec(h.price ?? h.avgPrice);
    pnl = pnl.plus(h.realizedPnl).plus(price.minus(h.avgPrice).times(h.quantity));
    costBasis = costBasis.plus(new Dec(h.avgPrice).times(h.quantity));
  }
  return { pnl, costBasis };
}

/**
 * Drawdown in percent: how far the account's lifetime P&L is below its peak, over the equity at
 * the peak as risk can know it (the most money the account has had at work plus the peak P&L;
 * risk does not see cash). Buying and selling move neither P&L nor the peaks.
 */
export function drawdownPct(pnl: Dec, peaks: { pnlPeak: Dec; capitalPeak: Dec }): Dec {
  const base = peaks.capitalPeak.plus(peaks.pnlPeak);
  return base.gt(0) ? Dec.max(peaks.pnlPeak.minus(pnl), 0).div(base).times(100) : new Dec(0);
}

export interface Breach {
  trigger: 'daily_loss_limit' | 'max_drawdown';
  reason: string;
}

const fmt = (d: Dec) => formatDecimal(d);

export function dailyLossBreach(day: string, pnl: DailyPnl, limit: string | null): Breach | null {
  if (limit === null || pnl.total.gt(new Dec(limit).neg())) return null;
  return {
    trigger: 'daily_loss_limit',
    reason: `daily loss ${fmt(pnl.total.neg())} reached the daily loss limit of ${fmt(new Dec(limit))} on ${day} (UTC): realized ${fmt(pnl.realized)}, unrealized ${fmt(pnl.unrealized)}`,
  };
}

export function drawdownBreach(pct: Dec, pnl: Dec, peaks: { pnlPeak: Dec; capitalPeak: Dec }, limit: string | null): Breach | null {
  if (limit === null || pct.lt(limit)) return null;
  return {
    trigger: 'max_drawdown',
    reason: `drawdown ${formatDecimal(pct, 4)}% reached the max drawdown of ${fmt(new Dec(limit))}%: P&L ${fmt(pnl)} against a peak of ${fmt(peaks.pnlPeak)} on ${fmt(peaks.capitalPeak)} at work`,
  };
}
