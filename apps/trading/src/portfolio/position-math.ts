import { Dec } from '@alphintra/money';

export interface PositionState {
  quantity: Dec;
  avgPrice: Dec;
  realizedPnl: Dec;
}

export const emptyPosition = (): PositionState => ({ quantity: new Dec(0), avgPrice: new Dec(0), realizedPnl: new Dec(0) });

/**
 * A fill applied to a (long) position: a buy moves the average price to the weighted average,
 * a sell realizes (price − avgPrice) × quantity and keeps the average; a flat position has
 * average 0. Selling more than is held is not modelled (risk keeps orders within exposure).
 */
export function applyFill(p: PositionState, side: 'buy' | 'sell', quantity: Dec, price: Dec): PositionState {
  if (side === 'buy') {
    const q = p.quantity.plus(quantity);
    return { quantity: q, avgPrice: p.quantity.times(p.avgPrice).plus(quantity.times(price)).div(q), realizedPnl: p.realizedPnl };
  }
  const q = p.quantity.minus(quantity);
  return { quantity: q, avgPrice: q.isZero() ? new Dec(0) : p.avgPrice, realizedPnl: p.realizedPnl.plus(price.minus(p.avgPrice).times(quantity)) };
}

/** An order's average fill price after one more fill. */
export function nextAvgFillPrice(filled: Dec, avg: Dec | null, quantity: Dec, price: Dec): Dec {
  const total = filled.plus(quantity);
  return filled.times(avg ?? 0).plus(quantity.times(price)).div(total);
}

/** Unrealized P&L and market value of a position at a market price. */
export const valuation = (p: { quantity: Dec; avgPrice: Dec }, market: Dec) => ({
  marketValue: p.quantity.times(market),
  unrealizedPnl: market.minus(p.avgPrice).times(p.quantity),
});
