import { randomUUID } from 'node:crypto';
import { OrderCancelled, OrderFilled, OrderSubmitted, PositionChanged, type EventContract } from '@alphintra/contracts';
import type { SubscribedEvent } from '@alphintra/platform-messaging';
import { OrderViews } from './trade-updates';

const at = '2026-03-02T15:00:00.000Z';
const ev = (contract: EventContract, data: object): SubscribedEvent =>
  ({ contract, topic: contract.topic, event: { id: randomUUID(), source: '/t', type: contract.type, version: 1, subject: 's', time: at, data } }) as SubscribedEvent;
const userId = randomUUID();
const base = (orderId: string) => ({ orderId, userId, symbol: 'AAPL' });
const submitted = (orderId: string) => ev(OrderSubmitted, { ...base(orderId), side: 'buy', type: 'limit', quantity: '10', limitPrice: '99', timeInForce: 'gtc', referencePrice: '99', buyingPower: '1', submittedAt: at });
const fill = (orderId: string, fillQuantity: string, user = userId) => ev(PositionChanged, { userId: user, symbol: 'AAPL', quantity: '1', avgPrice: '1', realizedPnl: '0', changedAt: at, orderId, fillQuantity });

describe('OrderViews', () => {
  it('tells what the events of an order it saw from the start say, partial fills included', () => {
    const views = new OrderViews(10);
    const id = randomUUID();
    expect(views.apply(submitted(id))).toMatchObject({ event: 'pending_new', order: { id, status: 'pending_risk', quantity: '10', limitPrice: '99', type: 'limit' } });
    expect(views.apply(fill(id, '3'))).toMatchObject({ event: 'partial_fill', fill: { quantity: '3' }, order: { status: 'partially_filled', filledQuantity: '3' } });
    expect(views.apply(fill(id, '2.5'))).toMatchObject({ order: { filledQuantity: '5.5' } });
    // the last fill is told by trading.order.filled, in whichever order the two topics arrive
    expect(views.apply(fill(id, '4.5'))).toBeUndefined();
    expect(views.apply(ev(OrderCancelled, { ...base(id), filledQuantity: '10', cancelledAt: at }))).toMatchObject({ event: 'canceled', order: { status: 'cancelled', quantity: '10' } });
  });

  it('carries only the event of an order it did not see begin, never moves a finished order back, and never mixes users', () => {
    const views = new OrderViews(10);
    const id = randomUUID();
    const filled = views.apply(ev(OrderFilled, { ...base(id), side: 'sell', quantity: '2', avgFillPrice: '5', filledAt: at }));
    expect(filled?.order).toEqual({ id, userId, symbol: 'AAPL', status: 'filled', side: 'sell', filledQuantity: '2', avgFillPrice: '5', updatedAt: at });
    expect(views.apply(fill(id, '1'))).toBeUndefined();
    expect(views.apply(ev(OrderCancelled, { ...base(id), userId: randomUUID(), filledQuantity: '0', cancelledAt: at }))).toBeUndefined();
  });

  it('forgets the orders touched longest ago beyond its bound', () => {
    const views = new OrderViews(2);
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    [a, b, c].forEach((id) => views.apply(submitted(id)));
    expect(views.size).toBe(2);
    expect(views.apply(fill(a, '1'))).toBeUndefined();
    expect(views.apply(fill(c, '1'))).toMatchObject({ event: 'partial_fill' });
  });
});
