import { staleMarketOrder } from './market-order-age';

describe('staleMarketOrder', () => {
  const now = new Date('2026-12-08T12:00:00Z');

  it('lets a market order through up to the maximum age, and names the age of one beyond it', () => {
    expect(staleMarketOrder({ type: 'market', routedAt: '2026-12-08T11:59:30Z' }, now, 30)).toBeNull();
    expect(staleMarketOrder({ type: 'market', routedAt: '2026-12-08T11:59:29Z' }, now, 30)).toBe('market order arrived 31 s after it was routed (at most 30 s): not filled at a later price');
  });

  it('never holds a limit order to it (its price bounds the fill)', () => {
    expect(staleMarketOrder({ type: 'limit', routedAt: '2026-12-01T00:00:00Z' }, now, 30)).toBeNull();
  });
});
