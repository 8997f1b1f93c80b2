import { InstrumentDelisted, InstrumentListed } from '@alphintra/contracts';
import { startStrategy, type StrategyFixture } from '../testing/strategy-service.fixture';

const acme = { symbol: 'ACME', name: 'Acme Corp.', exchange: 'NYSE', sector: 'Industrials', industry: 'Machinery', country: 'US', currency: 'USD', marketCap: '1500000000.50' };

describe('instruments', () => {
  let f: StrategyFixture;
  beforeAll(async () => {
    f = await startStrategy();
    for (const [symbol, name, exchange, sector] of [
      ['ALFA', 'Alfa Software Inc.', 'NASDAQ', 'Technology'],
      ['BETA', 'Beta Bank plc', 'LSE', 'Financials'],
      ['GAMM', 'Gamma_Energy AG', 'XETRA', 'Energy'],
    ]) {
      const r = await f.call('admin', 'POST', '/api/v1/instruments', { symbol, name, exchange, sector, currency: 'USD', marketCap: '1000' });
      expect(r.status).toBe(201);
    }
  });
  afterAll(() => f?.close());

  it('lists an instrument as admin with 201, emitting marketdata.instrument.listed', async () => {
    const r = await f.call('admin', 'POST', '/api/v1/instruments', { ...acme, symbol: 'acme', peRatio: '21.5' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ ...acme, marketCap: '1500000000.5', peRatio: '21.5', lastPrice: null, change1dPct: null, volume: null, status: 'listed' });
    const e = await f.tap.waitFor(InstrumentListed.type, (d) => d.symbol === 'ACME');
    expect(e.data).toEqual({ symbol: 'ACME', name: 'Acme Corp.', exchange: 'NYSE', sector: 'Industrials', industry: 'Machinery', country: 'US', currency: 'USD' });
    expect(e.subject).toBe('ACME');
  });

  it('answers 409 for a symbol that exists', async () => {
    const r = await f.call('admin', 'POST', '/api/v1/instruments', { ...acme, symbol: 'ALFA' });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('INSTRUMENT.EXISTS');
  });

  it('gets one instrument, in any case of its symbol; 404 for an unknown one', async () => {
    const r = await f.call('trader', 'GET', '/api/v1/instruments/beta');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ symbol: 'BETA', name: 'Beta Bank plc', marketCap: '1000', status: 'listed' });
    const missing = await f.call('trader', 'GET', '/api/v1/instruments/NOPE');
    expect(missing.status).toBe(404);
    expect(missing.type).toMatch(/^application\/problem\+json/);
  });

  it('lists by search, sector and exchange, paged by cursor', async () => {
    const page1 = await f.call('trader', 'GET', '/api/v1/instruments?limit=2');
    expect(page1.body.items.map((i: { symbol: string }) => i.symbol)).toEqual(['ACME', 'ALFA']);
    const page2 = await f.call('trader', 'GET', `/api/v1/instruments?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((i: { symbol: string }) => i.symbol)).toEqual(['BETA', 'GAMM']);
    expect(page2.body.nextCursor).toBeNull();
    const search = async (q: string) => (await f.call('trader', 'GET', `/api/v1/instruments?${q}`)).body.items.map((i: { symbol: string }) => i.symbol);
    expect(await search('search=al')).toEqual(['ALFA']);
    expect(await search('search=bank')).toEqual(['BETA']);
    expect(await search('search=_')).toEqual(['GAMM']);
    expect(await search('sector=Financials')).toEqual(['BETA']);
    expect(await search('exchange=XETRA')).toEqual(['GAMM']);
  });

  it('keeps listing and delisting to admins (403 for a trader), and needs a token (401)', async () => {
    expect((await f.call('trader', 'POST', '/api/v1/instruments', { ...acme, symbol: 'TRDR' })).status).toBe(403);
    expect((await f.call('trader', 'DELETE', '/api/v1/instruments/ALFA')).status).toBe(403);
    expect((await f.call(null, 'GET', '/api/v1/instruments')).status).toBe(401);
    expect(await f.count('stock', `symbol = 'TRDR'`)).toBe(0);
  });

  it('delists with 204, emitting marketdata.instrument.delisted once; the row stays, marked delisted', async () => {
    expect((await f.call('admin', 'DELETE', '/api/v1/instruments/GAMM')).status).toBe(204);
    expect((await f.call('admin', 'DELETE', '/api/v1/instruments/GAMM')).status).toBe(204);
    const e = await f.tap.waitFor(InstrumentDelisted.type, (d) => d.symbol === 'GAMM');
    expect(Date.parse(e.data.delistedAt as string)).not.toBeNaN();
    expect((await f.call('trader', 'GET', '/api/v1/instruments/GAMM')).body.status).toBe('delisted');
    expect((await f.call('trader', 'GET', '/api/v1/instruments?exchange=XETRA')).body.items).toEqual([]);
    expect((await f.call('trader', 'GET', '/api/v1/instruments?exchange=XETRA&status=delisted')).body.items).toHaveLength(1);
    expect((await f.call('admin', 'DELETE', '/api/v1/instruments/NOPE')).status).toBe(404);
    await new Promise((r) => setTimeout(r, 500));
    expect(f.tap.of(InstrumentDelisted.type).filter((x) => x.subject === 'GAMM')).toHaveLength(1);
  });

  it.each([
    ['symbol', { ...acme, symbol: 'not a ticker' }],
    ['name', { ...acme, symbol: 'BAD1', name: '' }],
    ['currency', { ...acme, symbol: 'BAD2', currency: 'usd' }],
    ['country', { ...acme, symbol: 'BAD3', country: 'USA' }],
    ['marketCap', { ...acme, symbol: 'BAD4', marketCap: 1000 }],
    ['marketCap', { ...acme, symbol: 'BAD5', marketCap: '-1' }],
    ['peRatio', { ...acme, symbol: 'BAD6', peRatio: '1.123456' }],
    ['unexpected', { ...acme, symbol: 'BAD7', unexpected: true }],
  ])('answers 400 naming %s, and writes nothing', async (field, body) => {
    const r = await f.call('admin', 'POST', '/api/v1/instruments', body);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.errors)).toContain(field);
    expect(await f.count('stock', `symbol like 'BAD%'`)).toBe(0);
  });

  it.each([
    ['limit', '/api/v1/instruments?limit=501'],
    ['cursor', '/api/v1/instruments?cursor=%24no%24'],
    ['status', '/api/v1/instruments?status=gone'],
    ['symbol', '/api/v1/instruments/not%20a%20symbol'],
  ])('answers 400 naming %s for a bad query', async (field, path) => {
    const r = await f.call('trader', 'GET', path);
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });
});
