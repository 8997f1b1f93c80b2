import { randomUUID } from 'node:crypto';
import { AssessmentApproved, ExecutionReported, PriceUpdated } from '@alphintra/contracts';
import { nextClose, sessionsBetween } from '@alphintra/market-calendar';
import { executionReport, startTradingService, type TradingServiceFixture } from '../testing/trading-service.fixture';
import { EquitySweepService } from './equity-sweep.service';

describe('the equity history: points the sweep writes, GET /account/history', () => {
  let f: TradingServiceFixture;
  let sweeper: EquitySweepService;
  // The test's minutes stay clear of an XNYS close, so that only the daily test crosses one.
  const soon = nextClose(new Date()).getTime();
  const minute0 = Math.floor((soon - Date.now() < 15 * 60_000 ? soon + 60_000 : Date.now()) / 60_000) * 60_000;
  /** `m` minutes after the test began, a second into the minute: the injected clock of the sweep. */
  const at = (m: number) => new Date(minute0 + m * 60_000 + 1000);
  const minute = (m: number) => new Date(minute0 + m * 60_000).toISOString();
  const u = randomUUID();
  const v = randomUUID();

  const sweep = async (now: Date) => (await sweeper.sweep(now))!;
  const price = async (p: string, time = new Date()) => f.consumed(await f.publish(PriceUpdated, 'AAPL', { symbol: 'AAPL', price: p, at: time.toISOString() }));
  const history = (as: string, query: Record<string, string>) => f.api('GET', `/api/v1/account/history?${new URLSearchParams(query)}`, { as });

  beforeAll(async () => {
    // No timer: the test drives the sweep with its own clock, minutes ahead of the ledger's, so
    // the lookback is wide enough to see the ledger's writes.
    f = await startTradingService({ TRADING_EQUITY_SWEEP_MS: '0', TRADING_EQUITY_LOOKBACK_SECONDS: '3600' });
    await f.list('AAPL', '110');
    sweeper = f.svc.app.get(EquitySweepService);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('writes a 1-minute point only when cash, a fill or a held price changed the equity, and answers them in order with P&L', async () => {
    expect(await sweep(at(0))).toMatchObject({ minutePoints: 0 });
    await f.api('POST', '/api/v1/account/deposits', { as: u, body: { amount: '10000' } });
    expect(await sweep(at(1))).toMatchObject({ minutePoints: 1 });
    expect(await sweep(at(1))).toMatchObject({ minutePoints: 0 }); // the same minute again

    const buy = await f.api('POST', '/api/v1/orders', {
      as: u,
      body: { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100', timeInForce: 'gtc' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(buy.status).toBe(202);
    await f.consumed(await f.publish(AssessmentApproved, buy.body.id, { assessmentId: randomUUID(), orderId: buy.body.id, userId: u, rules: [], assessedAt: new Date().toISOString() }));
    await f.consumed(
      await f.publish(ExecutionReported, buy.body.id, executionReport({ orderId: buy.body.id, userId: u }, { quantity: '10', price: '100', cumulativeQuantity: '10' })),
    );
    expect(await sweep(at(2))).toMatchObject({ minutePoints: 1 }); // 9000 cash + 10 × 110

    await price('120');
    expect(await sweep(at(3))).toMatchObject({ minutePoints: 1 }); // 9000 + 10 × 120
    expect(await sweep(at(4))).toMatchObject({ minutePoints: 0 }); // nothing moved: nothing read, nothing written

    await f.api('POST', '/api/v1/account/deposits', { as: v, body: { amount: '500' } });
    expect(await sweep(at(5))).toMatchObject({ minutePoints: 1 }); // v only
    await f.api('POST', '/api/v1/account/deposits', { as: u, body: { amount: '1000' } });
    expect(await sweep(at(6))).toMatchObject({ minutePoints: 1 });

    const range = { from: minute(0), to: minute(10) };
    expect((await history(u, { timeframe: '1Min', ...range })).body).toEqual({
      timeframe: '1Min',
      baseValue: '10000',
      timestamps: [minute(1), minute(2), minute(3), minute(6)],
      equity: ['10000', '10100', '10200', '11200'],
      // a deposit is not a profit
      profitLoss: ['0', '100', '200', '200'],
      profitLossPct: ['0', '1', '2', '1.8182'],
    });
    // From minute 3 on, P&L counts from the point before it.
    expect((await history(u, { timeframe: '1Min', from: minute(3), to: minute(10) })).body).toMatchObject({ baseValue: '10100', equity: ['10200', '11200'], profitLoss: ['100', '100'] });
    const hourly = (await history(u, { timeframe: '1H', ...range })).body;
    expect(hourly.equity.at(-1)).toBe('11200');
    expect(hourly.timestamps.every((t: string) => t.endsWith(':00:00.000Z'))).toBe(true);

    // Another user sees only theirs; a user without points, nothing.
    expect((await history(v, { timeframe: '1Min', ...range })).body).toEqual({
      timeframe: '1Min',
      baseValue: '500',
      timestamps: [minute(5)],
      equity: ['500'],
      profitLoss: ['0'],
      profitLossPct: ['0'],
    });
    expect((await history(randomUUID(), {})).body).toEqual({ timeframe: '1H', baseValue: null, timestamps: [], equity: [], profitLoss: [], profitLossPct: [] });
  });

  it('answers 400 naming the field for parameters it does not serve', async () => {
    const field = async (query: Record<string, string>) => {
      const r = await history(u, query);
      expect(r.status).toBe(400);
      return (r.body.errors as { path: string }[]).map((e) => e.path);
    };
    expect(await field({ timeframe: '2Min' })).toEqual(['timeframe']);
    expect(await field({ period: '5Y' })).toEqual(['period']);
    expect(await field({ timeframe: '1Min', period: 'all' })).toEqual(['timeframe']);
    expect(await field({ period: '1W', from: minute(0) })).toEqual(['from']);
    expect(await field({ from: minute(10), to: minute(0) })).toEqual(['to']);
    expect(await field({ from: 'yesterday' })).toEqual(['from']);
    expect(await field({ timeframe: '1Min', from: new Date(minute0 - 40 * 86_400_000).toISOString() })).toEqual(['from']);
    expect(await field({ timeframe: '1D', from: '2025-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' })).toEqual(['from']);
  });

  it('writes a daily point at each XNYS close for the accounts that changed, and answers a value at every close', async () => {
    const close1 = nextClose(at(10));
    const close2 = nextClose(close1);
    const close3 = nextClose(close2);
    expect(await sweep(new Date(close1.getTime() + 1000))).toMatchObject({ dailyPoints: 2 }); // u and v changed since the close before
    expect(await sweep(new Date(close2.getTime() + 1000))).toMatchObject({ dailyPoints: 0 });
    await price('130', new Date(close2.getTime() + 60_000));
    expect(await sweep(new Date(close3.getTime() + 1000))).toMatchObject({ dailyPoints: 1, minutePoints: 1 });

    expect((await history(u, { period: 'all', to: new Date(close3.getTime() + 60_000).toISOString() })).body).toEqual({
      timeframe: '1D',
      baseValue: '11200',
      timestamps: [close1, close2, close3].map((c) => c.toISOString()),
      equity: ['11200', '11200', '11300'],
      profitLoss: ['0', '0', '100'],
      profitLossPct: ['0', '0', '0.8929'],
    });
    expect((await history(v, { timeframe: '1D', from: close2.toISOString(), to: close3.toISOString() })).body).toMatchObject({ baseValue: '500', equity: ['500', '500'] });
  });

  it('drops 1-minute points past their retention and keeps daily ones', async () => {
    const later = new Date(at(10).getTime() + 40 * 86_400_000);
    const r = await sweep(later);
    expect(r.pruned).toBeGreaterThanOrEqual(5);
    expect(await f.sql(`select 1 from "trading_data"."equity_point" where "user_id" = ? and "timeframe" = '1Min' and "at" < ?`, [u, at(10).toISOString()])).toEqual([]);
    expect((await f.sql(`select 1 from "trading_data"."equity_point" where "user_id" = ? and "timeframe" = '1D'`, [u])).length).toBe(2);
  });

  it('answers a year of daily points for one account', async () => {
    const w = randomUUID();
    const closes = sessionsBetween('2026-01-01', '2026-12-31').map((s) => s.closeUtc.toISOString());
    await f.sql(
      `insert into "trading_data"."equity_point" ("user_id", "timeframe", "at", "equity", "cash", "net_deposits")
       select ?, '1D', t, 100000 + n * 10, 50000, 100000 from unnest(?::timestamptz[]) with ordinality as x(t, n)`,
      [w, `{${closes.join(',')}}`],
    );
    const started = performance.now();
    const r = await history(w, { timeframe: '1D', from: '2026-01-01T00:00:00Z', to: '2026-12-31T23:59:59Z' });
    const ms = performance.now() - started;
    console.log(`a year of daily equity (${closes.length} closes) answered in ${ms.toFixed(1)} ms`);
    expect(r.status).toBe(200);
    expect(r.body.timestamps).toEqual(closes);
    expect(r.body.profitLoss.at(-1)).toBe(String((closes.length - 1) * 10));
  });
});
