import { BarClosed, PriceUpdated, type EventData } from '@alphintra/contracts';
import { startStrategy, type StrategyFixture } from '../testing/strategy-service.fixture';

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const listed = (symbol: string) => ({ symbol, name: `${symbol} Inc.`, exchange: 'NYSE', currency: 'USD', marketCap: '1000000' });
/** A weekday three to four days back, 14:30 UTC: inside retention, in the past. */
const base = (() => {
  const d = new Date(Date.now() - 3 * 86_400_000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 14, 30);
})();
const iso = (ms: number) => new Date(ms).toISOString();

describe('bar imports: POST /market/imports', () => {
  let f: StrategyFixture;

  beforeAll(async () => {
    f = await startStrategy({ MARKET_IMPORT_MAX_BYTES: '2000000' });
    for (const s of ['IMPA', 'IMPB', 'IMPC', 'IMPD', 'IMPGONE']) expect((await f.call('admin', 'POST', '/api/v1/instruments', listed(s))).status).toBe(201);
    expect((await f.call('admin', 'DELETE', '/api/v1/instruments/IMPGONE')).status).toBe(204);
  });
  afterAll(() => f?.close());

  const post = (csv: string, query = '') => f.call('admin', 'POST', `/api/v1/market/imports${query}`, csv);
  async function finished(id: string, seen: number[] = []) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await f.call('admin', 'GET', `/api/v1/market/imports/${id}`);
      expect(r.status).toBe(200);
      seen.push(r.body.rowsStored);
      if (r.body.status !== 'storing') return r.body;
      if (Date.now() > deadline) throw new Error(`import still storing: ${JSON.stringify(r.body)}`);
      await sleep(20);
    }
  }

  it('imports daily bars in the date layout with the symbol as a parameter, as an upload does (last price, price.updated)', async () => {
    const csv = ['date,open,high,low,close,volume', '2025-03-03,10,11,9.5,10.5,1000', '2025-03-04,10.5,12,10,11.75,2000', ''].join('\n');
    const r = await post(csv, '?symbol=impa');
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ timeframe: '1D', layout: 'date,open,high,low,close,volume', symbols: ['IMPA'], rowsTotal: 2, from: '2025-03-03', to: '2025-03-04', error: null });
    expect(await finished(r.body.id)).toMatchObject({ status: 'completed', rowsStored: 2, finishedAt: expect.any(String) });
    const bars = await f.call('trader', 'GET', '/api/v1/instruments/IMPA/bars');
    expect(bars.body.items).toEqual([
      { date: '2025-03-03', open: '10', high: '11', low: '9.5', close: '10.5', volume: '1000' },
      { date: '2025-03-04', open: '10.5', high: '12', low: '10', close: '11.75', volume: '2000' },
    ]);
    expect((await f.call('trader', 'GET', '/api/v1/instruments/IMPA')).body).toMatchObject({ lastPrice: '11.75' });
    const e = await f.tap.waitFor<EventData<typeof PriceUpdated>>(PriceUpdated.type, (d) => d.symbol === 'IMPA');
    expect(e.data).toEqual({ symbol: 'IMPA', price: '11.75', at: '2025-03-04T00:00:00.000Z' });
  });

  it('reads a Yahoo-style header (any case, Adj Close ignored) and a symbol column for daily bars', async () => {
    const yahoo = ['Date,Open,High,Low,Close,Adj Close,Volume', '2025-03-05,20,21,19,20.5,20.4,300'].join('\r\n');
    const r = await post(yahoo, '?symbol=IMPB');
    expect(r.status).toBe(202);
    expect(await finished(r.body.id)).toMatchObject({ status: 'completed', layout: 'date,open,high,low,close,volume' });
    const many = ['symbol,date,open,high,low,close,volume', 'IMPB,2025-03-06,20.5,22,20,21,400', 'impd,2025-03-06,5,5,5,5,0'].join('\n');
    const m = await post(many);
    expect(m.status).toBe(202);
    expect(await finished(m.body.id)).toMatchObject({ status: 'completed', symbols: ['IMPB', 'IMPD'], rowsStored: 2 });
    expect((await f.call('trader', 'GET', '/api/v1/instruments/IMPB/bars')).body.items.map((b: { date: string }) => b.date)).toEqual(['2025-03-05', '2025-03-06']);
  });

  it('imports 1-minute bars in the timestamp layout; they are served by bars?timeframe=1Min and replayed by the replay feed', async () => {
    const rows = [0, 1, 2].flatMap((i) => [
      `${iso(base + i * MINUTE)},IMPA,${100 + i},${101 + i},${99 + i},${100.5 + i},${10 + i}`,
      `${(base + i * MINUTE) / 1000},IMPB,50,50.25,49.75,50.125,7`,
    ]);
    const r = await post(['timestamp,symbol,open,high,low,close,volume', ...rows].join('\n'));
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ timeframe: '1Min', layout: 'timestamp,symbol,open,high,low,close,volume', symbols: ['IMPA', 'IMPB'], rowsTotal: 6, from: iso(base), to: iso(base + 2 * MINUTE) });
    expect(await finished(r.body.id)).toMatchObject({ status: 'completed', rowsStored: 6 });

    const served = await f.call('trader', 'GET', `/api/v1/instruments/IMPA/bars?timeframe=1Min&from=${iso(base)}`);
    expect(served.body.items).toEqual([0, 1, 2].map((i) => ({ start: iso(base + i * MINUTE), open: `${100 + i}`, high: `${101 + i}`, low: `${99 + i}`, close: `${100.5 + i}`, volume: `${10 + i}` })));

    const replay = await f.call('admin', 'PUT', '/api/v1/market/feed', { mode: 'replay', from: iso(base).slice(0, 10), speed: 60 });
    expect(replay.status).toBe(200);
    const deadline = Date.now() + 60_000;
    let minuteBars: EventData<typeof BarClosed>[] = [];
    while (minuteBars.length < 6 && Date.now() < deadline) {
      await sleep(250);
      minuteBars = f.tap.of<EventData<typeof BarClosed>>(BarClosed.type).map((e) => e.data).filter((d) => d.timeframe === '1Min');
    }
    expect(minuteBars.filter((b) => b.symbol === 'IMPA')).toEqual(
      [0, 1, 2].map((i) => ({ symbol: 'IMPA', timeframe: '1Min', start: iso(base + i * MINUTE), open: `${100 + i}`, high: `${101 + i}`, low: `${99 + i}`, close: `${100.5 + i}`, volume: `${10 + i}` })),
    );
    expect(minuteBars.filter((b) => b.symbol === 'IMPB')).toHaveLength(3);
    expect((await f.call('admin', 'PUT', '/api/v1/market/feed', { mode: 'off' })).status).toBe(200);
  });

  it('refuses a file with bad rows with 422 naming each line and field, and stores none of it', async () => {
    const before = await f.count('intraday_bar');
    const csv = [
      'timestamp,symbol,open,high,low,close,volume',
      `${iso(base + 10 * MINUTE)},IMPA,1,2,0.5,1.5,10`,
      `${iso(base + 11 * MINUTE)},IMPA,1,0.9,0.5,1.5,10`,
      `2025-01-02 14:30:00,IMPA,1,2,0.5,1.5,10`,
      `${iso(base + 12 * MINUTE + 30_000)},IMPA,1,2,0.5,1.5,10`,
      `${iso(base + 10 * MINUTE)},IMPA,1,2,0.5,1.5,10`,
      `${iso(Date.now() + 3_600_000)},IMPA,1,2,0.5,1.5,10`,
      `${iso(base + 13 * MINUTE)},NOPE,1,2,0.5,1.5,10`,
      `${iso(base + 13 * MINUTE)},IMPGONE,1,2,0.5,1.5,-1`,
      `${iso(base + 14 * MINUTE)},IMPA,1,2`,
    ].join('\n');
    const r = await post(csv);
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('MARKET_IMPORT.INVALID_ROWS');
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'line 3.high',
      'line 4.timestamp',
      'line 5.timestamp',
      'line 6.timestamp',
      'line 7.timestamp',
      'line 8.symbol',
      'line 9.volume',
      'line 10',
    ]);
    expect(r.body.errors[3].message).toMatch(/repeats the bar of IMPA on line 2/);
    expect(r.body.errors[5].message).toMatch(/NOPE is not an instrument/);
    expect(await f.count('intraday_bar')).toBe(before);
    expect(await f.count('market_import', `rows_total = 9`)).toBe(0);
  });

  it('refuses a file naming the symbol twice or not at all, and a header it cannot read, with 400', async () => {
    const both = await post('timestamp,symbol,open,high,low,close,volume\n', '?symbol=IMPA');
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([{ path: 'symbol', message: expect.stringMatching(/symbol column/) }]);
    expect((await post(`date,open,high,low,close,volume\n2025-01-02,1,1,1,1,1`)).status).toBe(400);
    const header = await post('when,open,high,low,close\n1,1,1,1,1', '?symbol=IMPA');
    expect(header.status).toBe(400);
    expect(header.body.errors.map((e: { message: string }) => e.message)).toEqual([expect.stringMatching(/exactly one of the columns date/), 'has no volume column']);
    expect((await f.call('admin', 'POST', '/api/v1/market/imports?symbol=IMPA', [{ date: '2025-01-02' }])).status).toBe(400);
  });

  it('refuses a file over MARKET_IMPORT_MAX_BYTES with 413, storing nothing', async () => {
    const line = `${iso(base)},IMPC,1,2,0.5,1.5,10\n`;
    const huge = 'timestamp,symbol,open,high,low,close,volume\n' + line.repeat(Math.ceil(2_100_000 / line.length));
    const r = await post(huge);
    expect(r.status).toBe(413);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(await f.count('intraday_bar', `symbol = 'IMPC'`)).toBe(0);
  });

  it('stores a large file in batches, reporting rows stored of the total as it goes', async () => {
    const n = 20_000;
    const start = base - n * MINUTE;
    const lines = Array.from({ length: n }, (_, i) => `${(start + i * MINUTE) / 1000},10.5,10.75,10.25,10.5,${i}`);
    const r = await post(['t,o,h,l,c,v', ...lines].join('\n'), '?symbol=IMPC');
    expect(r.status).toBe(202);
    const seen: number[] = [r.body.rowsStored];
    const done = await finished(r.body.id, seen);
    expect(done).toMatchObject({ status: 'completed', rowsTotal: n, rowsStored: n });
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.every((s) => s === 0 || s % 5000 === 0)).toBe(true);
    expect(await f.count('intraday_bar', `symbol = 'IMPC'`)).toBe(n);
  });

  it('keeps imports to admins and answers 404 for an unknown import', async () => {
    expect((await f.call('trader', 'POST', '/api/v1/market/imports?symbol=IMPA', 'date,open,high,low,close,volume\n2025-01-02,1,1,1,1,1')).status).toBe(403);
    expect((await f.call('trader', 'GET', '/api/v1/market/imports/00000000-0000-4000-8000-000000000000')).status).toBe(403);
    const missing = await f.call('admin', 'GET', '/api/v1/market/imports/00000000-0000-4000-8000-000000000000');
    expect(missing.body).toMatchObject({ status: 404, code: 'MARKET_IMPORT.NOT_FOUND' });
  });
});
