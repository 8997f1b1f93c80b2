import { routePrefixes, upstreamOf } from './routes';

describe('gateway routes', () => {
  it('sends a sub-route to its own service and the rest of the area to the area’s', () => {
    expect(upstreamOf('/api/v1/market/feed')).toBe('strategy');
    expect(upstreamOf('/api/v1/market/feed?x=1')).toBe('strategy');
    expect(upstreamOf('/api/v1/market/feedback')).toBe('trading');
    expect(upstreamOf('/api/v1/market/clock')).toBe('trading');
    expect(upstreamOf('/api/v1/market/imports/0195')).toBe('strategy');
    expect(upstreamOf('/api/v1/quotes?symbols=AAPL')).toBe('strategy');
    expect(upstreamOf('/api/v1/positions/AAPL')).toBe('trading');
    expect(upstreamOf('/api/v1/account/activities')).toBe('trading');
    expect(upstreamOf('/api/v1/compliance/orders/verify')).toBe('trading');
    expect(upstreamOf('/api/v1/compliance/logs/verify')).toBe('risk');
    expect(upstreamOf('/api/v1/nope')).toBeUndefined();
  });

  it('proxies the longer prefix as its own route', () => {
    const prefixes = routePrefixes();
    expect(prefixes).toContainEqual({ prefix: '/api/v1/market/feed', service: 'strategy' });
    expect(prefixes).toContainEqual({ prefix: '/api/v1/market', service: 'trading' });
  });
});
