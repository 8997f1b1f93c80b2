import { BarClosed, PriceUpdated, QuoteUpdated, type EventData } from '@alphintra/contracts';
import { Dec } from '@alphintra/money';
import { wireDecimal } from '../common/decimal';
import { startStrategy, type StrategyFixture } from '../testing/strategy-service.fixture';

type Bar = EventData<typeof BarClosed>;
type Quote = EventData<typeof QuoteUpdated>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const listed = (symbol: string) => ({ symbol, name: `${symbol} Inc.`, exchange: 'NASDAQ', currency: 'USD', marketCap: '1000000' });
const storedBar = (symbol: string, start: string, open: string, high: string, low: string, close: string, volume: number) => [symbol, start, open, high, low, close, volume];

describe('market data: feeds, quotes and intraday bars', () => {
  let f: StrategyFixture;

  beforeAll(async () => {
    f = await startStrategy({ MARKET_FEED_ALWAYS_OPEN: 'true', MARKET_FEED_TICK_MS: '40', MARKET_PRICE_INTERVAL_MS: '1000' });
    for (const s of ['MKTA', 'MKTB', 'MKTQ']) expect((await f.call('admin', 'POST', '/api/v1/instruments', listed(s))).status).toBe(201);
    for (const [s, close] of [['MKTA', '187.25'], ['MKTB', '41.1']]) {
      const r = await f.call('admin', 'POST', `/api/v1/instruments/${s}/bars`, [{ date: '2026-01-02', open: close, high: close, low: close, close, volume: '1000' }]);
      expect(r.status).toBe(200);
    }
  });
  afterAll(() => f?.close());

  const feed = () => f.call('admin', 'GET', '/api/v1/market/feed');
  async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 90_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(v)}`);
      await sleep(200);
    }
  }

  it('starts off (MARKET_FEED defaults to off) and only admins see or change the feed', async () => {
    expect((await feed()).body).toMatchObject({ mode: 'off', alwaysOpen: true, session: { open: true }, runner: { here: false, status: 'idle' } });
    expect((await f.call('trader', 'GET', '/api/v1/market/feed')).status).toBe(403);
    expect((await f.call('trader', 'PUT', '/api/v1/market/feed', { mode: 'off' })).status).toBe(403);
    const bad = await f.call('admin', 'PUT', '/api/v1/market/feed', { mode: 'replay', speed: 61 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['from', 'speed']);
  });

  it('replays stored 1Min bars exactly, jumping over gaps, with the higher timeframes rolled up from them', async () => {
    const rows = [
      ...['30', '31', '32', '33', '34'].map((m, i) => storedBar('MKTA', `2026-01-05T14:${m}:00Z`, `${100 + i}`, `${101.5 + i}`, `${99.25 + i}`, `${100.125 + i}`, 1000 + i)),
      storedBar('MKTB', '2026-01-05T14:31:00Z', '40', '40.5', '39.5', '40.25', 700),
      storedBar('MKTA', '2026-01-05T15:10:00Z', '110', '110', '109.999999', '110', 5),
    ];
    for (const r of rows) {
      await f.em().execute(`insert into "strategy_data"."intraday_bar" ("symbol", "start", "open", "high", "low", "close", "volume") values (?, ?, ?, ?, ?, ?, ?)`, r);
    }
    const r = await f.call('admin', 'PUT', '/api/v1/market/feed', { mode: 'replay', from: '2026-01-05', speed: 60 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ mode: 'replay', from: '2026-01-05', speed: 60, seed: null, runner: { here: true, status: 'running' } });
    const done = await until('replay finished', async () => (await feed()).body, (b) => b.runner.status === 'finished', 30_000);
    expect(done.runner).toMatchObject({ published: { bars: expect.any(Number) } });

    const minuteEvents = async (symbol: string, n: number) =>
      until(`${n} 1Min bars of ${symbol}`, async () => f.tap.of<Bar>(BarClosed.type).filter((e) => e.data.symbol === symbol && e.data.timeframe === '1Min'), (l) => l.length >= n, 10_000);
    const stored = await f.em().execute<{ symbol: string; start: Date; open: string; high: string; low: string; close: string; volume: string }[]>(
      `select "symbol", "start", "open"::text as "open", "high"::text as "high", "low"::text as "low", "close"::text as "close", "volume"::text as "volume"
       from "strategy_data"."intraday_bar" order by "symbol", "start"`,
    );
    expect(stored).toHaveLength(7);
    for (const symbol of ['MKTA', 'MKTB']) {
      const expected = stored
        .filter((b) => b.symbol === symbol)
        .map((b) => ({ symbol, timeframe: '1Min', start: new Date(b.start).toISOString(), open: wireDecimal(b.open), high: wireDecimal(b.high), low: wireDecimal(b.low), close: wireDecimal(b.close), volume: b.volume }));
      const events = await minuteEvents(symbol, expected.length);
      expect(events.map((e) => e.data)).toEqual(expected);
      expect(events.every((e) => e.subject === symbol)).toBe(true);
    }
    const fives = await until('5Min bars', async () => f.tap.of<Bar>(BarClosed.type).filter((e) => e.data.timeframe === '5Min' && e.data.symbol === 'MKTA'), (l) => l.length >= 2, 10_000);
    expect(fives.map((e) => e.data)).toEqual([
      { symbol: 'MKTA', timeframe: '5Min', start: '2026-01-05T14:30:00.000Z', open: '100', high: '105.5', low: '99.25', close: '104.125', volume: '5010' },
      { symbol: 'MKTA', timeframe: '5Min', start: '2026-01-05T15:10:00.000Z', open: '110', high: '110', low: '109.999999', close: '110', volume: '5' },
    ]);
    const last = await f.tap.waitFor<EventData<typeof PriceUpdated>>(PriceUpdated.type, (d) => d.symbol === 'MKTA' && d.price === '110', 10_000);
    expect(last.subject).toBe('MKTA');
  });

  it('serves stored intraday bars by timeframe from the 1Min bars; 1D keeps the daily bars', async () => {
    const oneMin = await f.call('trader', 'GET', '/api/v1/instruments/MKTA/bars?timeframe=1Min&from=2026-01-05T14:31:00Z&to=2026-01-05T14:33:00Z');
    expect(oneMin.status).toBe(200);
    expect(oneMin.body.items.map((b: { start: string }) => b.start)).toEqual(['2026-01-05T14:31:00.000Z', '2026-01-05T14:32:00.000Z', '2026-01-05T14:33:00.000Z']);
    const hour = await f.call('trader', 'GET', '/api/v1/instruments/MKTA/bars?timeframe=1H&from=2026-01-05&to=2026-01-05');
    expect(hour.body).toEqual({
      items: [
        { start: '2026-01-05T14:00:00.000Z', open: '100', high: '105.5', low: '99.25', close: '104.125', volume: '5010' },
        { start: '2026-01-05T15:00:00.000Z', open: '110', high: '110', low: '109.999999', close: '110', volume: '5' },
      ],
      nextCursor: null,
    });
    const paged = await f.call('trader', 'GET', '/api/v1/instruments/MKTA/bars?timeframe=15Min&limit=1');
    expect(paged.body).toMatchObject({ items: [{ start: '2026-01-05T14:30:00.000Z', volume: '5010' }], nextCursor: '2026-01-05T14:30:00.000Z' });
    const next = await f.call('trader', 'GET', `/api/v1/instruments/MKTA/bars?timeframe=15Min&limit=1&cursor=${paged.body.nextCursor}`);
    expect(next.body.items.map((b: { start: string }) => b.start)).toEqual(['2026-01-05T15:00:00.000Z']);
    const daily = await f.call('trader', 'GET', '/api/v1/instruments/MKTA/bars?timeframe=1D');
    expect(daily.body).toEqual((await f.call('trader', 'GET', '/api/v1/instruments/MKTA/bars')).body);
    expect(daily.body.items).toEqual([{ date: '2026-01-02', open: '187.25', high: '187.25', low: '187.25', close: '187.25', volume: '1000' }]);
    expect((await f.call('trader', 'GET', '/api/v1/instruments/MKTA/bars?timeframe=1D&from=2026-01-05T14:00:00Z')).status).toBe(400);
    expect((await f.call('trader', 'GET', '/api/v1/instruments/MKTA/bars?timeframe=2Min')).status).toBe(400);
    expect((await f.call('trader', 'GET', '/api/v1/instruments/NOPE/bars?timeframe=1Min')).status).toBe(404);
  });

  it('runs the seeded simulation: quotes and 1Min bars straight to Kafka, bars stored in their month, last prices (with the book) at most once a second per symbol', async () => {
    const put = await f.call('admin', 'PUT', '/api/v1/market/feed', { mode: 'simulated', seed: 42, speed: 60 });
    expect(put.body).toMatchObject({ mode: 'simulated', seed: 42, speed: 60, from: null, runner: { here: true, status: 'running' } });
    const since = Date.now();
    const bar = await f.tap.waitFor<Bar>(BarClosed.type, (d) => d.symbol === 'MKTA' && d.timeframe === '1Min' && Date.parse(d.start) >= since - 60_000, 90_000);
    // a symbol's last price goes out at the end of its interval: a bar can close before the first one has
    const pricesSince = () => f.tap.of<EventData<typeof PriceUpdated>>(PriceUpdated.type).filter((e) => Date.parse(e.time) >= since);
    await until('a last price of each symbol', async () => new Set(pricesSince().map((e) => e.data.symbol)), (seen) => seen.has('MKTA') && seen.has('MKTB'), 30_000);
    const prices = pricesSince();
    const seconds = (Date.now() - since) / 1000;

    const quotes = f.tap.of<Quote>(QuoteUpdated.type).filter((e) => Date.parse(e.time) >= since);
    expect(new Set(quotes.map((e) => e.subject))).toEqual(new Set(['MKTA', 'MKTB']));
    for (const { data: q } of quotes) expect(new Dec(q.ask).gt(q.bid)).toBe(true);
    const trades = (await feed()).body.runner.published.trades;
    for (const s of ['MKTA', 'MKTB']) {
      const n = prices.filter((e) => e.data.symbol === s).length;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
    }
    expect(trades).toBeGreaterThan(prices.length * 3);
    // each last price carries the symbol's book as it stood when the price was sent: the paper venue
    // fills on it (the quote itself may never reach the compacted topic: a newer one replaces it in
    // the publisher's batch, ADR 0024)
    for (const { data: p } of prices) {
      expect(p).toEqual({ symbol: p.symbol, price: p.price, at: p.at, bid: expect.any(String), bidSize: expect.any(String), ask: expect.any(String), askSize: expect.any(String) });
      const [bid, ask, price] = [new Dec(p.bid!), new Dec(p.ask!), new Dec(p.price)];
      expect({ symbol: p.symbol, crossed: !ask.gt(bid), nearTheBook: price.gte(bid.times('0.95')) && price.lte(ask.times('1.05')) }).toEqual({ symbol: p.symbol, crossed: false, nearTheBook: true });
    }

    const [row] = await f.em().execute<{ part: string; open: string; volume: string }[]>(
      `select tableoid::regclass::text as "part", "open"::text as "open", "volume"::text as "volume" from "strategy_data"."intraday_bar" where "symbol" = 'MKTA' and "start" = ?`,
      [bar.data.start],
    );
    const month = bar.data.start.slice(0, 7).replace('-', '');
    expect(row).toMatchObject({ part: `intraday_bar_${month}`, volume: bar.data.volume });
    expect(wireDecimal(row!.open)).toBe(bar.data.open);

    const one = await until('a saved quote', () => f.call('trader', 'GET', '/api/v1/instruments/mkta/quote'), (r) => r.status === 200);
    expect(one.body).toMatchObject({ symbol: 'MKTA', bid: expect.any(String), ask: expect.any(String), last: expect.any(String), at: expect.any(String) });
    const both = await f.call('trader', 'GET', '/api/v1/quotes?symbols=MKTB,MKTA,MKTQ');
    expect(both.body.items.map((q: Quote) => q.symbol)).toEqual(['MKTA', 'MKTB']);
    expect((await f.call('trader', 'GET', '/api/v1/instruments/MKTQ/quote')).body).toMatchObject({ status: 404, code: 'QUOTE.NOT_FOUND' });
    expect((await f.call('trader', 'GET', '/api/v1/instruments/NOPE/quote')).body).toMatchObject({ status: 404, code: 'INSTRUMENT.NOT_FOUND' });
    expect((await f.call('trader', 'GET', '/api/v1/quotes?symbols=')).status).toBe(400);
    await until('quotes saved for other replicas', () => f.count('latest_quote'), (n) => n === 2);

    const off = await f.call('admin', 'PUT', '/api/v1/market/feed', { mode: 'off' });
    expect(off.body).toMatchObject({ mode: 'off', seed: null, runner: { here: false, status: 'idle' } });
  });

  it('keeps monthly partitions ahead through the owner function, moves rows from DEFAULT into a new month and drops months past retention', async () => {
    await expect(f.em().execute(`create table "strategy_data"."intraday_bar_299901" partition of "strategy_data"."intraday_bar" for values from ('2999-01-01') to ('2999-02-01')`)).rejects.toThrow(/permission denied|must be owner/);
    const months = async () => (await f.em().execute<{ n: string }[]>(`select count(*)::text as n from pg_inherits where inhparent = '"strategy_data"."intraday_bar"'::regclass`))[0]!.n;
    expect(Number(await months())).toBe(1 + 24 + 1 + 3);
    const old = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 30, 3, 15)).toISOString();
    await f.em().execute(`insert into "strategy_data"."intraday_bar" ("symbol", "start", "open", "high", "low", "close", "volume") values ('MKTA', ?, 1, 1, 1, 1, 1)`, [old]);
    const where = async () => (await f.em().execute<{ part: string }[]>(`select tableoid::regclass::text as "part" from "strategy_data"."intraday_bar" where "start" = ?`, [old])).map((r) => r.part);
    expect(await where()).toEqual(['intraday_bar_default']);
    const grown = await f.em().execute<{ action: string; partition: string }[]>(`select * from "strategy_data"."maintain_intraday_bar_partitions"(36, 3)`);
    expect(grown.every((g) => g.action === 'created')).toBe(true);
    expect(grown).toHaveLength(12);
    expect(await where()).toEqual([`intraday_bar_${old.slice(0, 7).replace('-', '')}`]);
    const shrunk = await f.em().execute<{ action: string }[]>(`select * from "strategy_data"."maintain_intraday_bar_partitions"(24, 3)`);
    expect(shrunk.map((s) => s.action)).toEqual(Array(12).fill('dropped'));
    expect(await where()).toEqual([]);
  });
});
