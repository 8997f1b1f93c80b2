import { Dec, formatDecimal } from '@alphintra/money';

type Side = 'buy' | 'sell';
const BPS = new Dec(10_000);

/** The fields of a venue order its fill price depends on. */
export interface PricedOrder {
  side: Side;
  type: 'market' | 'limit';
  limitPrice: string | null;
  worstPrice: string | null;
}

/**
 * The market of one symbol as the paper venue knows it: the last trade price and, when the feed
 * sent one with it, the top of the book. A size of 0 means unknown.
 */
export interface Market {
  last: Dec;
  book: { bid: Dec; bidSize: Dec; ask: Dec; askSize: Dec } | null;
}

/** A stop's trigger and, for a trailing stop, its mark: the best last price since acceptance. */
export interface StopOrder {
  side: Side;
  type: 'stop' | 'stop_limit' | 'trailing_stop';
  stopPrice: string | null;
  trailPrice: string | null;
  trailPercent: string | null;
  mark: string | null;
}

export const isStop = (type: string): type is StopOrder['type'] => type === 'stop' || type === 'stop_limit' || type === 'trailing_stop';

/**
 * A stop on a last trade price: its new mark (a trailing stop's high-water mark for a sell, low
 * for a buy), its trigger price, and whether the trade reached it. A buy stop triggers at or above
 * its trigger, a sell stop at or below. A trailing stop's trigger follows the mark by the trail
 * (a price, or a percentage of the mark) and only ever moves towards the market.
 */
export function onTrade(o: StopOrder, last: Dec): { mark: Dec | null; trigger: Dec; triggered: boolean } {
  const buy = o.side === 'buy';
  let mark: Dec | null = null;
  let trigger: Dec;
  if (o.type === 'trailing_stop') {
    const was = o.mark === null ? last : new Dec(o.mark);
    mark = buy ? Dec.min(was, last) : Dec.max(was, last);
    const pct = o.trailPercent === null ? null : new Dec(o.trailPercent);
    const trail = o.trailPrice === null ? mark.times(pct!).div(100) : new Dec(o.trailPrice);
    trigger = new Dec(formatDecimal(buy ? mark.plus(trail) : mark.minus(trail), 8));
  } else {
    trigger = new Dec(o.stopPrice!);
  }
  return { mark, trigger, triggered: buy ? last.gte(trigger) : last.lte(trigger) };
}

/** What a triggered stop becomes: a market order (stop, trailing stop) or a limit (stop_limit). */
export const triggeredAs = (type: StopOrder['type']): 'market' | 'limit' => (type === 'stop_limit' ? 'limit' : 'market');

export type Quote = { kind: 'fill'; price: Dec; upTo: Dec | null } | { kind: 'rest' } | { kind: 'cancel'; reason: string };

/** The price an order trades against: the ask for a buy, the bid for a sell; the last price when there is no book. */
export function touch(m: Market, side: Side): Dec {
  if (!m.book) return m.last;
  return side === 'buy' ? m.book.ask : m.book.bid;
}

/** What the book offers on the order's side (null: no limit — no book, an unknown size, or partial fills off). */
export function offered(m: Market, side: Side, bySize: boolean): Dec | null {
  if (!bySize || !m.book) return null;
  const size = side === 'buy' ? m.book.askSize : m.book.bidSize;
  return size.gt(0) ? size : null;
}

/** The market as the paper venue offers it: the touch plus slippage for a buy, minus it for a sell. */
export function slipped(price: Dec, side: Side, bps: number): Dec {
  const factor = side === 'buy' ? BPS.plus(bps) : BPS.minus(bps);
  return new Dec(formatDecimal(price.times(factor).div(BPS), 8));
}

/** The tighter of the limit and the worst price: no fill of the order may be beyond it (null: no bound). */
export function boundOf(o: PricedOrder): Dec | null {
  const bounds = [o.limitPrice, o.worstPrice].filter((p): p is string => p !== null).map((p) => new Dec(p));
  if (!bounds.length) return null;
  return o.side === 'buy' ? Dec.min(...bounds) : Dec.max(...bounds);
}

/** A buy above its bound, or a sell below it. */
export const beyond = (side: Side, price: Dec, bound: Dec) => (side === 'buy' ? price.gt(bound) : price.lt(bound));

/**
 * What the paper venue does with an order on a market. A market order fills at the touch (ask for
 * a buy, bid for a sell) plus slippage or, beyond its worst price, is cancelled (it never rests at
 * a price it may not pay). A limit fills once the touch reaches its bound, at the slipped touch
 * capped by the bound, and rests otherwise: a marketable limit never pays its limit when the
 * market is better. With partial fills by size, one market fills at most the size on its side.
 */
export function quote(o: PricedOrder, m: Market, bps: number, bySize = false): Quote {
  const at = touch(m, o.side);
  const market = slipped(at, o.side, bps);
  const bound = boundOf(o);
  const upTo = offered(m, o.side, bySize);
  if (o.type === 'market') {
    if (bound && beyond(o.side, market, bound)) {
      return { kind: 'cancel', reason: `market price ${formatDecimal(market)} is beyond the order's worst price ${formatDecimal(bound)}` };
    }
    return { kind: 'fill', price: market, upTo };
  }
  if (!bound || beyond(o.side, at, bound)) return { kind: 'rest' };
  return { kind: 'fill', price: o.side === 'buy' ? Dec.min(bound, market) : Dec.max(bound, market), upTo };
}

/**
 * Fill quantities adding up to `leaves`: at most `maxReports` of them, each at most `max` but the
 * last, which takes the rest. The work of one message never grows with the quantity.
 */
export function chunks(leaves: Dec, max: Dec, maxReports: number): Dec[] {
  const out: Dec[] = [];
  let left = leaves;
  while (left.gt(0)) {
    const q = out.length === maxReports - 1 ? left : Dec.min(left, max);
    out.push(q);
    left = left.minus(q);
  }
  return out;
}
