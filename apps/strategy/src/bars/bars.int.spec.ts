import { PriceUpdated } from '@alphintra/contracts';
import { startStrategy, type StrategyFixture } from '../testing/strategy-service.fixture';

const header = 'date,open,high,low,close,volume';

describe('bars', () => {
  let f: StrategyFixture;
  beforeAll(async () => {
    f = await startStrategy();
    for (const symbol of ['BARS', 'CSV', 'GONE']) {
      expect((await f.call('admin', 'POST', '/api/v1/instruments', { symbol, name: `${symbol} Inc.`, exchange: 'NYSE', currency: 'USD', marketCap: '1000000' })).status).toBe(201);
    }
    await f.call('admin', 'DELETE', '/api/v1/instruments/GONE');
  });
  afterAll(() => f?.close());

  it('refuses a CSV with bad rows with 422 naming each line and field, and stores none of it', async () => {
    const file = [header, '2024-03-01,100,101,99,100.5,1000', '2024-03-04,100.5,99,98,100,1000', '2024-03-05,100,101,99,1e3,1000', '2024-03-06,100,101,99,100,-5', ''].join('\n');
    const r = await f.call('admin', 'POST', '/api/v1/instruments/CSV/bars', file);
    expect(r.status).toBe(422);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(r.body.code).toBe('BARS.INVALID_ROWS');
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(['line 3.high', 'line 4.close', 'line 5.volume']);
    expect(await f.count('stock_history', `symbol = 'CSV'`)).toBe(0);
    expect(await f.count('outbox', `aggregate_key = 'CSV' and event_type = ?`, [PriceUpdated.type])).toBe(0);
  });

  it('upserts a good CSV on (symbol, date), refreshes the last-session figures and emits price.updated for the newest bar', async () => {
    const first = [header, '2024-03-01,100,101,99,100,1000', '2024-03-04,100,103,99.5,102,2000'].join('\n');
    const r1 = await f.call('admin', 'POST', '/api/v1/instruments/CSV/bars', first);
    expect(r1.status).toBe(200);
    expect(r1.body).toEqual({ symbol: 'CSV', received: 2, inserted: 2, updated: 0, from: '2024-03-01', to: '2024-03-04', lastPrice: '102' });
    const second = [header, '2024-03-04,100,104,99.5,103.5,2500', '2024-03-05,103.5,110,103,108.675,3000'].join('\r\n');
    const r2 = await f.call('admin', 'POST', '/api/v1/instruments/CSV/bars', second);
    expect(r2.body).toMatchObject({ inserted: 1, updated: 1, lastPrice: '108.675' });
    const instrument = (await f.call('trader', 'GET', '/api/v1/instruments/CSV')).body;
    expect(instrument).toMatchObject({ lastPrice: '108.675', change1dPct: '5', volume: '3000' });
    const e = await f.tap.waitFor(PriceUpdated.type, (d) => d.symbol === 'CSV' && d.price === '108.675');
    expect(e.data).toEqual({ symbol: 'CSV', price: '108.675', at: '2024-03-05T00:00:00.000Z' });
    await f.tap.waitFor(PriceUpdated.type, (d) => d.symbol === 'CSV' && d.price === '102');
  });

  it('upserts a JSON array too, and answers bars by date range', async () => {
    const bars = ['01', '02', '03', '04', '05'].map((d, i) => ({ date: `2024-01-${d}`, open: '10', high: '15', low: '9', close: `1${i}.25`, volume: 100 + i }));
    const r = await f.call('admin', 'POST', '/api/v1/instruments/BARS/bars', bars);
    expect(r.status).toBe(200);
    const range = await f.call('trader', 'GET', '/api/v1/instruments/bars/bars?from=2024-01-02&to=2024-01-04');
    expect(range.status).toBe(200);
    expect(range.body.items).toEqual([
      { date: '2024-01-02', open: '10', high: '15', low: '9', close: '11.25', volume: '101' },
      { date: '2024-01-03', open: '10', high: '15', low: '9', close: '12.25', volume: '102' },
      { date: '2024-01-04', open: '10', high: '15', low: '9', close: '13.25', volume: '103' },
    ]);
    const page = await f.call('trader', 'GET', '/api/v1/instruments/BARS/bars?limit=2&cursor=2024-01-02');
    expect(page.body.items.map((b: { date: string }) => b.date)).toEqual(['2024-01-03', '2024-01-04']);
    expect(page.body.nextCursor).toBe('2024-01-04');
  });

  it('answers 404 for bars of an unknown symbol, 409 for uploads to a delisted one', async () => {
    expect((await f.call('trader', 'GET', '/api/v1/instruments/NOPE/bars')).status).toBe(404);
    expect((await f.call('admin', 'POST', '/api/v1/instruments/NOPE/bars', [header, '2024-03-01,1,1,1,1,1'].join('\n'))).status).toBe(404);
    expect((await f.call('admin', 'POST', '/api/v1/instruments/GONE/bars', [header, '2024-03-01,1,1,1,1,1'].join('\n'))).status).toBe(409);
  });

  it('keeps uploads to admins', async () => {
    const r = await f.call('trader', 'POST', '/api/v1/instruments/BARS/bars', [header, '2024-03-01,1,1,1,1,1'].join('\n'));
    expect(r.status).toBe(403);
    expect(await f.count('stock_history', `symbol = 'BARS' and date = '2024-03-01'`)).toBe(0);
  });

  it.each([
    ['from', '/api/v1/instruments/BARS/bars?from=2024-13-01'],
    ['from', '/api/v1/instruments/BARS/bars?from=2024-02-01&to=2024-01-01'],
    ['limit', '/api/v1/instruments/BARS/bars?limit=0'],
    ['cursor', '/api/v1/instruments/BARS/bars?cursor=yesterday'],
  ])('answers 400 naming %s for a bad range', async (field, path) => {
    const r = await f.call('trader', 'GET', path);
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('answers 400 for an upload that is neither a bar array nor a CSV file with the header, storing nothing', async () => {
    const before = await f.count('stock_history');
    for (const body of [{ date: '2024-01-01' }, 'open,close\n1,2']) {
      const r = await f.call('admin', 'POST', '/api/v1/instruments/BARS/bars', body);
      expect(r.status).toBe(400);
      expect(r.body.errors[0].path).toMatch(/^\(body\)|line 1$/);
    }
    expect(await f.count('stock_history')).toBe(before);
  });
});
