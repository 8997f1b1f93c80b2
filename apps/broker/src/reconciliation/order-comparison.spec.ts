import { randomUUID } from 'node:crypto';
import { compareOrder, type ListedOrder, type VenueExecution } from './order-comparison';

const userId = randomUUID();
const fill = (quantity: string): VenueExecution => ({ id: randomUUID(), kind: 'fill', quantity });
const listed = (filledQuantity: string, executionIds: string[] = [], o: Partial<ListedOrder> = {}): ListedOrder => ({ orderId: randomUUID(), userId, filledQuantity, executionIds, ...o });
const venue = (cumulativeQuantity: string) => ({ userId, cumulativeQuantity });

describe('compareOrder', () => {
  it('finds nothing missing when trading booked every fill', () => {
    const [a, b] = [fill('1'), fill('2')];
    expect(compareOrder(listed('3', [a.id, b.id.toUpperCase()]), venue('3.00000000'), [a, b])).toEqual({ unknown: false, missing: [], diverged: null });
  });

  it('lists the fills trading lacks, in broker order, and agrees once they are applied', () => {
    const [a, b, c] = [fill('1'), fill('2'), fill('0.5')];
    expect(compareOrder(listed('2', [b.id]), venue('3.5'), [a, b, c])).toEqual({ unknown: false, missing: [a, c], diverged: null });
  });

  it('treats a final report of an order trading still holds open as missed', () => {
    const a = fill('1');
    const cancelled: VenueExecution = { id: randomUUID(), kind: 'cancelled', quantity: null };
    expect(compareOrder(listed('1', [a.id]), venue('1'), [a, cancelled]).missing).toEqual([cancelled]);
  });

  it('calls an order unknown when broker has no venue order of it for that user', () => {
    expect(compareOrder(listed('0'), undefined, [])).toEqual({ unknown: true, missing: [], diverged: null });
    expect(compareOrder(listed('0'), { userId: randomUUID(), cumulativeQuantity: '0' }, []).unknown).toBe(true);
  });

  it('reports a divergence no replay heals: a fill broker never reported, or quantities that disagree', () => {
    const stranger = randomUUID();
    expect(compareOrder(listed('1', [stranger]), venue('0'), []).diverged).toContain(stranger);
    const a = fill('1');
    expect(compareOrder(listed('2', [a.id]), venue('1'), [a]).diverged).toBe("trading's filled quantity 2 plus the replays is 2, broker's is 1");
  });
});
