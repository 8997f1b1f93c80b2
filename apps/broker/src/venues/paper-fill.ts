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

export type Quote = { kind: 'fill'; price: Dec } | { kind: 'rest' } | { kind: 'cancel'; reason: string };

/** The market as the paper venue offers it: the last price plus slippage for a buy, minus it for a sell. */
export function slipped(last: Dec, side: Side, bps: number): Dec {
  const factor = side === 'buy' ? BPS.plus(bps) : BPS.minus(bps);
  return new Dec(formatDecimal(last.times(factor).div(BPS), 8));
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
 * What the paper venue does with an order at the last price. A market order fills at the market
 * or, beyond its worst price, is cancelled (it never rests). A limit fills at the market capped
 * by its bound once the last price reaches the bound, and rests otherwise: a marketable limit
 * never pays its limit when the market is better.
 */
export function quote(o: PricedOrder, last: Dec, bps: number): Quote {
  const market = slipped(last, o.side, bps);
  const bound = boundOf(o);
  if (o.type === 'market') {
    if (bound && beyond(o.side, market, bound)) {
      return { kind: 'cancel', reason: `market price ${formatDecimal(market)} is beyond the order's worst price ${formatDecimal(bound)}` };
    }
    return { kind: 'fill', price: market };
  }
  if (!bound || beyond(o.side, last, bound)) return { kind: 'rest' };
  return { kind: 'fill', price: o.side === 'buy' ? Dec.min(bound, market) : Dec.max(bound, market) };
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
