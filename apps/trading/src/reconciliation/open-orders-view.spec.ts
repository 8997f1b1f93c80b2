import { randomUUID } from 'node:crypto';
import { chunked, type ListedOrder } from './open-orders-view';

const order = (): ListedOrder => ({ orderId: randomUUID(), userId: randomUUID(), status: 'routed', filledQuantity: '0', executionIds: [] });

describe('chunked', () => {
  const id = randomUUID();
  const at = new Date('2026-11-22T10:00:00.000Z');

  it('splits the view into chunks of at most `size` orders, numbered, keeping every order once in order', () => {
    const orders = Array.from({ length: 5 }, order);
    const chunks = chunked(id, at, orders, 2);
    expect(chunks.map((c) => [c.chunk, c.chunks, c.orders.length])).toEqual([
      [0, 3, 2],
      [1, 3, 2],
      [2, 3, 1],
    ]);
    expect(chunks.flatMap((c) => c.orders)).toEqual(orders);
    expect(chunks.every((c) => c.reconciliationId === id && c.asOf === '2026-11-22T10:00:00.000Z')).toBe(true);
  });

  it('sends an empty view as one empty chunk', () => {
    expect(chunked(id, at, [])).toEqual([{ reconciliationId: id, chunk: 0, chunks: 1, asOf: at.toISOString(), orders: [] }]);
  });
});
