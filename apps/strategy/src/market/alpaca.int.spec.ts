import { randomBytes } from 'node:crypto';
import { BarClosed, QuoteUpdated, type EventData } from '@alphintra/contracts';
import { AlpacaTestServer } from '../testing/alpaca-server';
import { startStrategy, type StrategyFixture } from '../testing/strategy-service.fixture';

const KEY = { key: 'PKINTTEST9876', secret: 'int-secret-0123456789' };
const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const listed = (symbol: string) => ({ symbol, name: `${symbol} Inc.`, exchange: 'NASDAQ', currency: 'USD', marketCap: '1000000' });

describe('market feed: alpaca (against a local protocol server)', () => {
  let server: AlpacaTestServer;
  let f: StrategyFixture;
  const minute = Date.now() - (Date.now() % MINUTE) - 10 * MINUTE;

  beforeAll(async () => {
    server = await AlpacaTestServer.start(KEY);
    server.bars.set('ALPB', [1, 2, 3].map((i) => ({ t: new Date(minute - (10 - i) * MINUTE).toISOString(), o: 40, h: 41, l: 39, c: 40.5, v: 10 * i })));
    f = await startStrategy({
      MARKET_ALPACA_STREAM_URL: server.streamUrl,
      MARKET_ALPACA_DATA_URL: server.dataUrl,
      MARKET_CREDENTIALS_KEY: randomBytes(32).toString('base64'),
      MARKET_ALPACA_BACKOFF_MS: '50',
      MARKET_ALPACA_BACKFILL_DAYS: '1',
    });
    for (const s of ['ALPA', 'ALPB']) {
      expect((await f.call('admin', 'POST', '/api/v1/instruments', listed(s))).status).toBe(201);
      expect((await f.call('admin', 'POST', `/api/v1/instruments/${s}/bars`, [{ date: '2026-01-02', open: '50', high: '50', low: '50', close: '50', volume: '1' }])).status).toBe(200);
    }
  });
  afterAll(async () => {
    await f?.close();
    await server?.close();
  });

  const feed = async () => (await f.call('admin', 'GET', '/api/v1/market/feed')).body;
  async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`${what}: ${JSON.stringify(v)}`);
      await sleep(100);
    }
  }

  it('refuses alpaca without a stored or given key, with a symbol that is not listed, or half a key pair', async () => {
    expect((await f.call('admin', 'PUT', '/api/v1/market/feed', { mode: 'alpaca' })).body).toMatchObject({ status: 422, code: 'MARKET.ALPACA_KEY_REQUIRED' });
    const unlisted = await f.call('admin', 'PUT', '/api/v1/market/feed', { mode: 'alpaca', symbols: ['ALPA', 'NOPE'], keyId: KEY.key, secretKey: KEY.secret });
    expect(unlisted.body).toMatchObject({ status: 422, code: 'MARKET.UNLISTED_SYMBOLS', errors: [{ path: 'symbols', message: 'NOPE is not a listed instrument' }] });
    const half = await f.call('admin', 'PUT', '/api/v1/market/feed', { mode: 'alpaca', keyId: KEY.key });
    expect(half.status).toBe(400);
    expect(half.body.errors.map((e: { path: string }) => e.path)).toEqual(['secretKey']);
    expect((await f.call('trader', 'PUT', '/api/v1/market/feed', { mode: 'alpaca', keyId: KEY.key, secretKey: KEY.secret })).status).toBe(403);
  });

  it('streams with a key an admin gave: sealed at rest, never answered; quotes, prices and bars reach Kafka and the bar endpoints; missing bars backfilled', async () => {
    const put = await f.call('admin', 'PUT', '/api/v1/market/feed', { mode: 'alpaca', symbols: ['alpb', 'ALPA'], keyId: KEY.key, secretKey: KEY.secret });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ mode: 'alpaca', alpaca: { feed: 'iex', symbols: ['ALPA', 'ALPB'] }, alpacaKey: { keyIdLast4: '9876', sealedWith: 'market-1' }, runner: { here: true } });
    expect(JSON.stringify(put.body)).not.toMatch(/PKINTTEST|int-secret/);
    const [row] = await f.em().execute<{ sealed: string }[]>(`select "alpaca_credentials" as "sealed" from "strategy_data"."market_feed"`);
    expect(row!.sealed).toMatch(/^v1\./);
    expect(row!.sealed).not.toMatch(/PKINTTEST|int-secret/);

    const streaming = await until('streaming', feed, (b) => b.runner.connection?.state === 'streaming' && b.runner.connection.backfill.state === 'done');
    expect(streaming.runner).toMatchObject({ status: 'running', connection: { connections: 1, reason: null, backfill: { bars: 3 } } });
    expect(server.subscriptions()).toEqual([{ trades: ['ALPA', 'ALPB'], quotes: ['ALPA', 'ALPB'], bars: ['ALPA', 'ALPB'] }]);
    expect(await f.count('intraday_bar', `symbol = 'ALPB'`)).toBe(3);

    const t = new Date(minute).toISOString();
    server.publish([
      { T: 't', S: 'ALPA', p: 51.25, s: 7, t },
      { T: 'q', S: 'ALPA', bp: 51.2, bs: 2, ap: 51.3, as: 4, t },
      { T: 'b', S: 'ALPA', o: 51, h: 51.5, l: 50.75, c: 51.25, v: 700, t },
    ]);
    const q = await f.tap.waitFor<EventData<typeof QuoteUpdated>>(QuoteUpdated.type, (d) => d.symbol === 'ALPA');
    expect(q.data).toEqual({ symbol: 'ALPA', bid: '51.2', bidSize: '2', ask: '51.3', askSize: '4', last: '51.25', lastSize: '7', at: t });
    const b = await f.tap.waitFor<EventData<typeof BarClosed>>(BarClosed.type, (d) => d.symbol === 'ALPA' && d.timeframe === '1Min');
    expect(b.data).toEqual({ symbol: 'ALPA', timeframe: '1Min', start: t, open: '51', high: '51.5', low: '50.75', close: '51.25', volume: '700' });
    const stored = await f.call('trader', 'GET', `/api/v1/instruments/ALPA/bars?timeframe=1Min&from=${t}`);
    expect(stored.body.items).toEqual([{ start: t, open: '51', high: '51.5', low: '50.75', close: '51.25', volume: '700' }]);
    expect((await until('quote', () => f.call('trader', 'GET', '/api/v1/instruments/ALPA/quote'), (r) => r.status === 200)).body).toMatchObject({ bid: '51.2', last: '51.25' });

    server.dropAll();
    const again = await until('reconnected', feed, (v) => v.runner.connection?.connections === 2 && v.runner.connection.state === 'streaming');
    expect(again.runner.connection.reconnects).toBe(1);
    expect(server.subscriptions()).toHaveLength(1);
  });

  it('shows a failed feed with the reason when the key is refused, and forgets the key when asked', async () => {
    const put = await f.call('admin', 'PUT', '/api/v1/market/feed', { mode: 'alpaca', keyId: KEY.key, secretKey: 'wrong-secret-0000' });
    expect(put.status).toBe(200);
    const failed = await until('failed', feed, (v) => v.runner.status === 'failed');
    expect(failed.runner).toMatchObject({ error: 'auth failed (402)', connection: { state: 'failed', reason: 'auth failed (402)' } });
    const off = await f.call('admin', 'PUT', '/api/v1/market/feed', { mode: 'off', forgetAlpacaKey: true });
    expect(off.body).toMatchObject({ mode: 'off', alpaca: null, alpacaKey: null, runner: { here: false, status: 'idle' } });
    expect(await f.count('market_feed', `"alpaca_credentials" is null and "alpaca" is null`)).toBe(1);
  });
});
