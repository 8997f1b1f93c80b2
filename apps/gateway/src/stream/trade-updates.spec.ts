import { randomUUID } from 'node:crypto';
import { OrderCancelled, OrderFilled, OrderPartiallyFilled, OrderSubmitted, type EventContract } from '@alphintra/contracts';
import type { SubscribedEvent } from '@alphintra/platform-messaging';
import { OrderViews } from './trade-updates';

const at = '2026-03-02T15:00:00.000Z';
const ev = (contract: EventContract, data: object): SubscribedEvent =>
  ({ contract, topic: contract.topic, event: { id: randomUUID(), source: '/t', type: contract.type, version: 1, subject: 's', time: at, data } }) as SubscribedEvent;
const userId = randomUUID();
const base = (orderId: string) => ({ orderId, userId, symbol: 'AAPL' });
const submitted = (orderId: string) => ev(OrderSubmitted, { ...base(orderId), side: 'buy', type: 'limit', quantity: '10', limitPrice: '99', timeInForce: 'gtc', referencePrice: '99', buyingPower: '1', submittedAt: at });
const fill = (orderId: string, fillQuantity: string, filledQuantity: string) =>
  ev(OrderPartiallyFilled, { ...base(orderId), side: 'buy', fillQuantity, fillPrice: '98', filledQuantity, avgFillPrice: '98', filledAt: at });

describe('OrderViews', () => {
  it('tells what the events of an order it saw from the start say, partial fills included', () => {
    const views = new OrderViews(10);
    const id = randomUUID();
    expect(views.apply(submitted(id))).toMatchObject({ event: 'pending_new', order: { id, status: 'pending_risk', quantity: '10', limitPrice: '99', type: 'limit' } });
    expect(views.apply(fill(id, '3', '3'))).toMatchObject({ event: 'partial_fill', fill: { quantity: '3', price: '98' }, order: { status: 'partially_filled', filledQuantity: '3' } });
    expect(views.apply(fill(id, '2.5', '5.5'))).toMatchObject({ order: { filledQuantity: '5.5', avgFillPrice: '98', quantity: '10' } });
    expect(views.apply(ev(OrderCancelled, { ...base(id), filledQuantity: '10', cancelledAt: at }))).toMatchObject({ event: 'canceled', order: { status: 'cancelled', quantity: '10' } });
  });

  it('carries only the event of an order it did not see begin, never moves a finished order back, and never mixes users', () => {
    const views = new OrderViews(10);
    const id = randomUUID();
    const filled = views.apply(ev(OrderFilled, { ...base(id), side: 'sell', quantity: '2', avgFillPrice: '5', filledAt: at }));
    expect(filled?.order).toEqual({ id, userId, symbol: 'AAPL', status: 'filled', side: 'sell', filledQuantity: '2', avgFillPrice: '5', updatedAt: at });
    expect(views.apply(fill(id, '1', '1'))?.order.status).toBe('filled'); // a late partial fill never moves a filled order back
    expect(views.apply(ev(OrderCancelled, { ...base(id), userId: randomUUID(), filledQuantity: '0', cancelledAt: at }))).toBeUndefined();
  });

  it('forgets the orders touched longest ago beyond its bound', () => {
    const views = new OrderViews(2);
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    [a, b, c].forEach((id) => views.apply(submitted(id)));
    expect(views.size).toBe(2);
    expect(views.apply(fill(a, '1', '1'))?.order.quantity).toBeUndefined(); // forgotten: only what its own event says
    expect(views.apply(fill(c, '1', '1'))).toMatchObject({ event: 'partial_fill', order: { quantity: '10' } });
  });
});
