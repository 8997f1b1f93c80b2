import type { MessagingLogger } from '@alphintra/platform-messaging';
import { AlpacaTestServer, type RestBar } from '../../testing/alpaca-server';
import type { MarketBar } from '../bar-aggregator';
import type { Quote } from '../simulated-market';
import { AlpacaFeed, type AlpacaFeedOptions, type MinuteBarStore } from './alpaca.feed';

const CREDS = { key: 'PKTEST1234', secret: 'test-secret-not-real' };
const MINUTE = 60_000;
const logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as MessagingLogger;

async function until<T>(what: string, read: () => T, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

class Recorder {
  quotes: Quote[] = [];
  trades: { symbol: string; price: string }[] = [];
  published: MarketBar[] = [];
  quote(q: Quote) {
    this.quotes.push(q);
  }
  trade(t: { symbol: string; price: string }) {
    this.trades.push({ symbol: t.symbol, price: t.price });
  }
  async bars(b: MarketBar[]) {
    this.published.push(...b);
  }
  async tick() {}
}

class MemoryStore implements MinuteBarStore {
  readonly stored = new Map<string, MarketBar>();
  async replaceMinuteBars(bars: MarketBar[]) {
    for (const b of bars) this.stored.set(`${b.symbol} ${b.start}`, b);
  }
  async latestMinutes(symbols: string[]) {
    const out = new Map<string, number>();
    for (const b of this.stored.values()) if (symbols.includes(b.symbol) && b.start > (out.get(b.symbol) ?? 0)) out.set(b.symbol, b.start);
    return out;
  }
  of(symbol: string) {
    return [...this.stored.values()].filter((b) => b.symbol === symbol).sort((a, b) => a.start - b.start);
  }
}

describe('alpaca feed against a local protocol server', () => {
  let server: AlpacaTestServer;
  let feeds: AlpacaFeed[] = [];

  beforeEach(async () => {
    server = await AlpacaTestServer.start(CREDS);
  });
  afterEach(async () => {
    await Promise.all(feeds.map((f) => f.stop()));
    feeds = [];
    await server.close();
  });

  function feed(o: Partial<AlpacaFeedOptions> = {}, out = new Recorder(), store = new MemoryStore()) {
    const f = new AlpacaFeed(
      out,
      store,
      {
        streamUrl: server.streamUrl,
        dataUrl: server.dataUrl,
        feed: 'iex',
        symbols: ['AAPL', 'MSFT'],
        credentials: CREDS,
        backoffMs: 50,
        backoffMaxMs: 400,
        timeoutMs: 5_000,
        backfillDays: 0,
        lastPrices: new Map([['MSFT', '410.5']]),
        ...o,
      },
      logger,
    );
    feeds.push(f);
    f.start();
    return { f, out, store };
  }
  const streaming = (f: AlpacaFeed) => until('streaming', () => f.snapshot(), (s) => s.connection?.state === 'streaming');

  it('authenticates and subscribes to trades, quotes and bars of its symbols; the secret stays out of its state', async () => {
    const { f } = feed();
    const s = await streaming(f);
    expect(s).toMatchObject({ status: 'running', connection: { state: 'streaming', reason: null, connections: 1, reconnects: 0 } });
    expect(server.subscriptions()).toEqual([{ trades: ['AAPL', 'MSFT'], quotes: ['AAPL', 'MSFT'], bars: ['AAPL', 'MSFT'] }]);
    expect(server.received).toEqual([
      { action: 'auth', key: CREDS.key, secret: '***' },
      { action: 'subscribe', trades: ['AAPL', 'MSFT'], quotes: ['AAPL', 'MSFT'], bars: ['AAPL', 'MSFT'] },
    ]);
    expect(JSON.stringify(s)).not.toContain(CREDS.secret);
  });

  it('fails with the reason on auth failure and does not connect again', async () => {
    const { f } = feed({ credentials: { key: CREDS.key, secret: 'wrong' } });
    const s = await until('failed', () => f.snapshot(), (v) => v.status === 'failed');
    expect(s).toMatchObject({ status: 'failed', error: 'auth failed (402)', connection: { state: 'failed', reason: 'auth failed (402)', connections: 1 } });
    await new Promise((r) => setTimeout(r, 500));
    expect(server.connections).toBe(1);
  });

  it('maps trades, quotes and bars to the platform: decimal strings, the last trade price on quotes, 1Min bars stored and published, higher bars rolled up', async () => {
    const { f, out, store } = feed();
    await streaming(f);
    const t0 = Date.UTC(2026, 0, 5, 14, 30);
    server.publish([
      { T: 'q', S: 'AAPL', bx: 'V', bp: 187.2, bs: 3, ax: 'V', ap: 187.3, as: 2, t: '2026-01-05T14:30:00.100000001Z', c: ['R'], z: 'C' },
      { T: 't', S: 'AAPL', i: 1, x: 'V', p: 187.25, s: 100, t: '2026-01-05T14:30:00.2Z', c: ['@'], z: 'C' },
      { T: 'q', S: 'AAPL', bx: 'V', bp: 187.21, bs: 3, ax: 'V', ap: 187.3, as: 2, t: '2026-01-05T14:30:00.300Z', c: ['R'], z: 'C' },
      { T: 'q', S: 'MSFT', bx: 'V', bp: 0.1234567, bs: 1, ax: 'V', ap: 411, as: 1, t: '2026-01-05T14:30:00.400Z', c: ['R'], z: 'C' },
      { T: 't', S: 'AAPL', i: 2, x: 'V', p: 'NaN', s: 1, t: '2026-01-05T14:30:00.5Z' },
      { T: 'b', S: 'AAPL', o: 187, h: 187.5, l: 186.9, c: 187.25, v: 1200, t: '2026-01-05T14:30:00Z', n: 12, vw: 187.1 },
      { T: 'b', S: 'AAPL', o: 187.25, h: 188, l: 187.2, c: 187.9, v: 800, t: '2026-01-05T14:35:00Z', n: 9, vw: 187.6 },
    ]);
    await until('the second bar', () => store.of('AAPL'), (b) => b.length === 2);
    expect(out.trades).toEqual([{ symbol: 'AAPL', price: '187.25' }]);
    expect(out.quotes).toEqual([
      { symbol: 'AAPL', bid: '187.21', bidSize: '3', ask: '187.3', askSize: '2', last: '187.25', lastSize: '100', at: '2026-01-05T14:30:00.300Z' },
      { symbol: 'MSFT', bid: '0.123457', bidSize: '1', ask: '411', askSize: '1', last: '410.5', at: '2026-01-05T14:30:00.400Z' },
    ]);
    expect(f.discarded).toEqual({ rejected: 2, dropped: 0 });
    const first = { symbol: 'AAPL', timeframe: '1Min', start: t0, open: '187', high: '187.5', low: '186.9', close: '187.25', volume: '1200' };
    expect(store.of('AAPL')[0]).toEqual(first);
    await until('the 1H bar', () => out.published, (p) => p.some((b) => b.timeframe === '1H'));
    expect(out.published.filter((b) => b.timeframe === '1Min')).toEqual([first, { ...first, start: t0 + 5 * MINUTE, open: '187.25', high: '188', low: '187.2', close: '187.9', volume: '800' }]);
    expect(out.published.find((b) => b.timeframe === '5Min' && b.start === t0)).toEqual({ ...first, timeframe: '5Min' });
    expect(out.published.find((b) => b.timeframe === '1H')).toEqual({ ...first, timeframe: '1H', start: t0 - 30 * MINUTE, high: '188', close: '187.9', volume: '2000' });
  });

  it('connects again after a dropped connection with backoff, resubscribes, and data flows again', async () => {
    const { f, out } = feed();
    await streaming(f);
    server.dropAll();
    const again = await until('reconnected', () => f.snapshot(), (s) => s.connection!.connections === 2 && s.connection!.state === 'streaming');
    expect(again.connection).toMatchObject({ reconnects: 1, reason: null });
    expect(server.subscriptions()).toEqual([{ trades: ['AAPL', 'MSFT'], quotes: ['AAPL', 'MSFT'], bars: ['AAPL', 'MSFT'] }]);
    server.publish([{ T: 't', S: 'MSFT', p: 412.01, s: 5, t: '2026-01-05T14:31:00Z' }]);
    await until('a trade after the reconnection', () => out.trades, (t) => t.length === 1);
    expect(out.trades).toEqual([{ symbol: 'MSFT', price: '412.01' }]);
  });

  it('backs off on 406 connection limit exceeded, showing the reason, until a connection is allowed', async () => {
    server.refuseWithLimit = 2;
    const { f } = feed();
    const seen = new Set<string | null>();
    const s = await until('streaming after two refusals', () => (seen.add(f.snapshot().connection!.reason), f.snapshot()), (v) => v.connection?.state === 'streaming');
    expect(s.connection).toMatchObject({ connections: 3, reconnects: 2 });
    expect(seen).toContain('connection limit exceeded (406)');
  });

  it('backfills missing 1-minute bars over REST page by page, from after the latest stored minute', async () => {
    const end = Date.now() - (Date.now() % MINUTE);
    const bar = (i: number): RestBar => ({ t: new Date(end - (30 - i) * MINUTE).toISOString(), o: 10 + i, h: 11 + i, l: 9 + i, c: 10.5 + i, v: 100 + i, n: 1, vw: 10 });
    server.bars.set('AAPL', Array.from({ length: 25 }, (_, i) => bar(i)));
    server.pageSize = 10;
    const store = new MemoryStore();
    await store.replaceMinuteBars([{ symbol: 'AAPL', timeframe: '1Min', start: Date.parse(bar(2).t), open: '1', high: '1', low: '1', close: '1', volume: '1' }]);
    const { f } = feed({ backfillDays: 1, symbols: ['AAPL'] }, new Recorder(), store);
    await until('backfilled', () => f.snapshot().connection!.backfill, (b) => b.state === 'done');
    expect(f.snapshot().connection!.backfill).toEqual({ state: 'done', bars: 22, reason: null });
    const aapl = server.restRequests.filter((r) => r.symbol === 'AAPL');
    expect(aapl).toHaveLength(3);
    expect(aapl[0]!.query).toMatchObject({ timeframe: '1Min', start: bar(3).t, end: new Date(end).toISOString(), feed: 'iex' });
    expect(aapl.map((r) => r.query.page_token ?? null)).toEqual([null, expect.any(String), expect.any(String)]);
    expect(store.of('AAPL').map((b) => b.volume)).toEqual(['1', ...Array.from({ length: 22 }, (_, i) => String(103 + i))]);
    expect(store.of('AAPL')[1]).toEqual({ symbol: 'AAPL', timeframe: '1Min', start: Date.parse(bar(3).t), open: '13', high: '14', low: '12', close: '13.5', volume: '103' });
  });

  it('records a refused backfill (an error status) without stopping the stream', async () => {
    server.bars.set('AAPL', [{ t: new Date(Date.now() - 10 * MINUTE - (Date.now() % MINUTE)).toISOString(), o: 1, h: 1, l: 1, c: 1, v: 1 }]);
    const { f } = feed({ backfillDays: 1, symbols: ['AAPL'], dataUrl: `${server.dataUrl}/nowhere` });
    const b = await until('backfill failed', () => f.snapshot().connection!.backfill, (v) => v.state === 'failed');
    expect(b.reason).toMatch(/answered 404/);
    expect(f.snapshot()).toMatchObject({ status: 'running', connection: { state: 'streaming' } });
  });
});
