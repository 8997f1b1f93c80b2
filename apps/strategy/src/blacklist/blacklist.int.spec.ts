import { BlacklistAdded, BlacklistRemoved } from '@alphintra/contracts';
import { startStrategy, type StrategyFixture } from '../testing/strategy-service.fixture';

describe('blacklist', () => {
  let f: StrategyFixture;
  beforeAll(async () => {
    f = await startStrategy();
    for (const symbol of ['SHDY', 'FINE']) {
      expect((await f.call('admin', 'POST', '/api/v1/instruments', { symbol, name: `${symbol} Ltd.`, exchange: 'LSE', currency: 'GBP', marketCap: '5000000' })).status).toBe(201);
    }
  });
  afterAll(() => f?.close());

  it('lets compliance blacklist a symbol (201), emitting marketdata.blacklist.added', async () => {
    const r = await f.call('compliance', 'POST', '/api/v1/blacklist', { symbol: 'shdy', reason: 'sanctions list' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ symbol: 'SHDY', reason: 'sanctions list' });
    expect(Date.parse(r.body.addedAt)).not.toBeNaN();
    const e = await f.tap.waitFor(BlacklistAdded.type, (d) => d.symbol === 'SHDY');
    expect(e.data).toEqual({ symbol: 'SHDY', reason: 'sanctions list' });
    expect((await f.call('trader', 'GET', '/api/v1/blacklist')).body).toEqual({ items: [r.body], nextCursor: null });
    expect((await f.call('trader', 'GET', '/api/v1/blacklist/SHDY')).body).toEqual(r.body);
  });

  it('answers 409 for a symbol already blacklisted, 422 for an unknown one, 404 for removing one not blacklisted', async () => {
    expect((await f.call('admin', 'POST', '/api/v1/blacklist', { symbol: 'SHDY', reason: null })).status).toBe(409);
    const unknown = await f.call('admin', 'POST', '/api/v1/blacklist', { symbol: 'NOPE' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ path: 'symbol', message: 'is not a known instrument' }]);
    expect((await f.call('admin', 'DELETE', '/api/v1/blacklist/FINE')).status).toBe(404);
    expect((await f.call('trader', 'GET', '/api/v1/blacklist/FINE')).status).toBe(404);
  });

  it('keeps changes to compliance and admins', async () => {
    expect((await f.call('trader', 'POST', '/api/v1/blacklist', { symbol: 'FINE' })).status).toBe(403);
    expect((await f.call('trader', 'DELETE', '/api/v1/blacklist/SHDY')).status).toBe(403);
    expect(await f.count('blacklist')).toBe(1);
  });

  it('removes with 204, emitting marketdata.blacklist.removed', async () => {
    expect((await f.call('admin', 'DELETE', '/api/v1/blacklist/SHDY')).status).toBe(204);
    const e = await f.tap.waitFor(BlacklistRemoved.type, (d) => d.symbol === 'SHDY');
    expect(e.data).toEqual({ symbol: 'SHDY' });
    expect(await f.count('blacklist')).toBe(0);
  });

  it.each([
    ['symbol', { symbol: '??' }],
    ['symbol', {}],
    ['reason', { symbol: 'FINE', reason: 'x'.repeat(501) }],
    ['note', { symbol: 'FINE', note: 'typo' }],
  ])('answers 400 naming %s, and writes nothing', async (field, body) => {
    const r = await f.call('compliance', 'POST', '/api/v1/blacklist', body);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.errors)).toContain(field);
    expect(await f.count('blacklist')).toBe(0);
  });

  it('answers 400 naming the symbol of a malformed path', async () => {
    for (const [method, path] of [['DELETE', '/api/v1/blacklist/%24%24'], ['GET', '/api/v1/blacklist/a%20b']]) {
      const r = await f.call('admin', method!, path!);
      expect(r.status).toBe(400);
      expect(r.body.errors[0].path).toBe('symbol');
    }
  });
});
