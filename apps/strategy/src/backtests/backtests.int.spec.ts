import { randomUUID } from 'node:crypto';
import { BacktestCompleted, BacktestFailed, TOPICS, WorkflowPublished } from '@alphintra/contracts';
import { fromMessage, OutboxPublisher, type CloudEvent } from '@alphintra/platform-messaging';
import { testKafka } from '@alphintra/testing';
import { FakeNocode, subjectOf } from '../testing/fake-nocode';
import { startStrategy, type StrategyFixture } from '../testing/strategy-service.fixture';
import { BacktestWorker } from './backtest.worker';

/** Collects what the service publishes on strategy.backtest (the shared fixture's tap listens to marketdata topics). */
async function backtestTap(prefix: string) {
  const events: CloudEvent[] = [];
  const consumer = testKafka('strategy-backtest-tap').consumer({ groupId: `${prefix}bt-tap-${randomUUID()}`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  for (let attempt = 1; ; attempt++) {
    try {
      await consumer.subscribe({ topics: [prefix + TOPICS.strategyBacktest], fromBeginning: true });
      break;
    } catch (e) {
      if (attempt >= 10 || !(e as { retriable?: boolean }).retriable) throw e;
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
  await consumer.run({ eachMessage: async ({ message }) => void events.push(fromMessage(message)) });
  const of = (type: string, id: string) => events.filter((e) => e.type === type && (e.data as { backtestId: string }).backtestId === id);
  return {
    of,
    waitFor: async (type: string, id: string, timeoutMs = 30_000) => {
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
        const [e] = of(type, id);
        if (e) return e;
      }
      throw new Error(`no ${type} for ${id}`);
    },
    stop: () => consumer.disconnect(),
  };
}

const until = async <T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`condition not met; last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

// The hand-computed series of libs/backtesting/src/engine.spec.ts: final equity 939.37985, one closed trade.
const BARS = [
  ['2024-01-01', 10, 9],
  ['2024-01-02', 9, 11],
  ['2024-01-03', 12, 12],
  ['2024-01-04', 12, 13],
  ['2024-01-05', 13, 9],
  ['2024-01-06', 8, 8],
  ['2024-01-07', 9, 10.5],
  ['2024-01-08', 11, 12],
  ['2024-01-09', 12, 14],
  ['2024-01-10', 15, 9],
] as const;
const csv = ['date,open,high,low,close,volume', ...BARS.map(([d, o, c]) => `${d},${o},${Math.max(o, c)},${Math.min(o, c)},${c},1000`)].join('\n');

const SPEC = {
  indicators: [],
  entry: { compare: { left: { price: 'close' }, op: '>', right: { value: 10 } } },
  exit: { compare: { left: { price: 'close' }, op: '<', right: { value: 10 } } },
  sizing: { kind: 'fixed_quantity', quantity: '10' },
};
const RSI_SPEC = {
  indicators: [{ id: 'rsi', kind: 'rsi', params: { period: 14 } }],
  entry: { compare: { left: { indicator: 'rsi' }, op: '<', right: { value: 30 } } },
  exit: { compare: { left: { indicator: 'rsi' }, op: '>', right: { value: 70 } } },
  sizing: { kind: 'percent_of_equity', percent: '25' },
};

describe('strategies and backtests', () => {
  let f: StrategyFixture;
  let nocode: FakeNocode;
  let tap: Awaited<ReturnType<typeof backtestTap>>;
  let worker: BacktestWorker;
  let strategyId: string;
  const request = (over: Record<string, unknown> = {}) => ({
    strategyId,
    symbols: ['BT'],
    from: '2024-01-01',
    to: '2024-01-10',
    initialCapital: '1000',
    commissionBps: '10',
    slippageBps: '10',
    ...over,
  });

  beforeAll(async () => {
    nocode = await FakeNocode.start();
    f = await startStrategy({ NOCODE_URL: nocode.url, BACKTEST_MAX_ACTIVE_PER_USER: '3' });
    tap = await backtestTap(f.svc.inst.topicPrefix);
    worker = f.svc.app.get(BacktestWorker);
    expect((await f.call('admin', 'POST', '/api/v1/instruments', { symbol: 'BT', name: 'Backtest Inc.', exchange: 'NYSE', currency: 'USD', marketCap: '1000000' })).status).toBe(201);
    expect((await f.call('admin', 'POST', '/api/v1/instruments/BT/bars', csv)).status).toBe(200);
    const s = await f.call('trader', 'POST', '/api/v1/strategies', { name: 'close above 10', spec: SPEC });
    expect(s.status).toBe(201);
    strategyId = s.body.id;
  });
  afterAll(async () => {
    await tap?.stop();
    await f?.close();
    await nocode?.close();
  });

  describe('strategies', () => {
    it('answers 422 with the path of each semantic error and stores nothing', async () => {
      const before = await f.count('strategy');
      const spec = {
        ...RSI_SPEC,
        indicators: [{ id: 'bb', kind: 'bollinger', params: { period: 0 } }],
        entry: { all: [{ compare: { left: { indicator: 'bb', output: 'upper' }, op: '>', right: { price: 'close' } } }, { compare: { left: { indicator: 'nope' }, op: '<', right: { value: 1 } } }] },
        exit: { cross: { left: { indicator: 'bb', output: 'signal' }, direction: 'below', right: { price: 'close' } } },
      };
      const r = await f.call('trader', 'POST', '/api/v1/strategies', { name: 'broken', spec });
      expect(r.status).toBe(422);
      expect(r.type).toMatch(/^application\/problem\+json/);
      expect(r.body.code).toBe('STRATEGY.INVALID_SPEC');
      expect(r.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['entry.all.1.compare.left.indicator', 'exit.cross.left.output', 'indicators.0.params.period']);
      expect(await f.count('strategy')).toBe(before);
      expect((await f.call('trader', 'POST', '/api/v1/strategies', { name: 'no spec' })).status).toBe(400);
    });

    it('creates, reads and lists own strategies; another user gets 404', async () => {
      const r = await f.call('trader', 'POST', '/api/v1/strategies', { name: 'rsi', spec: RSI_SPEC });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ name: 'rsi', spec: RSI_SPEC, source: 'api', workflowId: null });
      expect((await f.call('trader', 'GET', `/api/v1/strategies/${r.body.id}`)).body).toEqual(r.body);
      expect((await f.call('admin', 'GET', `/api/v1/strategies/${r.body.id}`)).status).toBe(404);
      const mine = (await f.call('trader', 'GET', '/api/v1/strategies')).body;
      expect(mine.items.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([r.body.id, strategyId]));
      expect((await f.call('admin', 'GET', '/api/v1/strategies')).body.items).toEqual([]);
    });

    it('registers a published no-code workflow once per (workflow, version); an invalid spec is recorded as rejected', async () => {
      const publisher = new OutboxPublisher('nocode', 'strategy_data', f.svc.inst.topicPrefix);
      const userId = randomUUID();
      const workflowId = randomUUID();
      const publish = (version: number, name: string, spec: Record<string, unknown>) =>
        f.em().transactional((em) => publisher.record(em, WorkflowPublished, workflowId, { workflowId, version, userId, name, spec, publishedAt: new Date().toISOString() }));
      await publish(1, 'rsi v1', RSI_SPEC);
      await until(() => f.count('strategy', 'workflow_id = ?', [workflowId]), (n) => n === 1);
      await publish(1, 'rsi v1 renamed', RSI_SPEC);
      await until(() => f.count('strategy', `workflow_id = ? and name = 'rsi v1 renamed'`, [workflowId]), (n) => n === 1);
      await publish(2, 'rsi v2 broken', { ...RSI_SPEC, exit: { compare: { left: { indicator: 'missing' }, op: '>', right: { value: 70 } } } });
      await until(() => f.count('strategy_rejection', 'workflow_id = ? and workflow_version = 2', [workflowId]), (n) => n === 1);
      expect(await f.count('strategy', 'workflow_id = ?', [workflowId])).toBe(1);
      const [row] = await f.em().execute<{ source: string; user_id: string; workflow_version: number }[]>(
        `select "source", "user_id", "workflow_version" from "strategy_data"."strategy" where "workflow_id" = ?`,
        [workflowId],
      );
      expect(row).toEqual({ source: 'nocode', user_id: userId, workflow_version: 1 });

      // The same workflow id published for another user (nocode never does) changes nothing.
      const hijack = await f.em().transactional((em) =>
        publisher.record(em, WorkflowPublished, workflowId, { workflowId, version: 1, userId: randomUUID(), name: 'hijacked', spec: SPEC, publishedAt: new Date().toISOString() }),
      );
      await until(() => f.count('inbox', 'event_id = ?', [hijack.id]), (n) => n === 1);
      expect(await f.count('strategy', `workflow_id = ? and name = 'rsi v1 renamed' and user_id = ?`, [workflowId, userId])).toBe(1);
    });

    it('refuses a spec whose rules exceed the size limit with 422 naming the first node past it', async () => {
      const leaf = SPEC.entry;
      const wide = { all: Array.from({ length: 10 }, () => ({ any: Array.from({ length: 19 }, () => leaf) })) }; // 201 nodes
      const r = await f.call('trader', 'POST', '/api/v1/strategies', { name: 'huge', spec: { ...SPEC, entry: wide } });
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ code: 'STRATEGY.INVALID_SPEC', errors: [{ path: 'entry.all.9.any.18', message: expect.stringContaining('at most 200 nodes') }] });
    });
  });

  describe('backtests', () => {
    beforeEach(() => worker.stop());
    afterAll(() => worker.start());

    it('goes queued → running → completed with results, metrics and one strategy.backtest.completed event carrying the executionId', async () => {
      const executionId = nocode.own(randomUUID(), f.as('trader'));
      const created = await f.call('trader', 'POST', '/api/v1/backtests', request({ executionId }));
      expect(created.status).toBe(202);
      expect(created.body).toEqual({ id: expect.any(String), status: 'queued' });
      const { id } = created.body;
      expect((await f.call('trader', 'GET', `/api/v1/backtests/${id}`)).body).toMatchObject({ status: 'queued', metrics: null, trades: null, equityCurve: null, executionId });
      expect((await f.call('admin', 'GET', `/api/v1/backtests/${id}`)).status).toBe(404);

      const job = await worker.claim();
      expect(job).toMatchObject({ id, attempts: 1 });
      expect((await f.call('trader', 'GET', `/api/v1/backtests/${id}`)).body).toMatchObject({ status: 'running', attempts: 1 });

      expect(await worker.process(job!)).toBe('completed');
      const done = (await f.call('trader', 'GET', `/api/v1/backtests/${id}`)).body;
      expect(done).toMatchObject({ status: 'completed', error: null, initialCapital: '1000', commissionBps: '10', slippageBps: '10' });
      expect(done.metrics).toMatchObject({ totalReturn: '-0.06062015', maxDrawdown: '0.06969977', exposure: '0.6', winRate: '0', trades: 1, finalEquity: '939.37985' });
      expect(done.trades).toEqual([{ symbol: 'BT', entryDate: '2024-01-03', entryPrice: '12.012', exitDate: '2024-01-06', exitPrice: '7.992', quantity: '10', pnl: '-40.40004' }]);
      expect(done.equityCurve).toHaveLength(10);
      expect(done.equityCurve[9]).toEqual({ date: '2024-01-10', equity: '939.37985' });

      const e = await tap.waitFor(BacktestCompleted.type, id);
      expect(e.data).toMatchObject({ backtestId: id, strategyId, executionId, totalReturn: '-0.06062015', maxDrawdown: '0.06969977', trades: 1 });
    });

    it('refuses unknown strategies and symbols with 422 and bad bodies with 400', async () => {
      const r = await f.call('trader', 'POST', '/api/v1/backtests', request({ strategyId: randomUUID(), symbols: ['BT', 'NOPE'] }));
      expect(r.status).toBe(422);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(['strategyId', 'symbols.1']);
      expect((await f.call('admin', 'POST', '/api/v1/backtests', request())).status).toBe(422); // another user's strategy
      expect((await f.call('trader', 'POST', '/api/v1/backtests', request({ from: '2024-02-01', initialCapital: 1000 }))).status).toBe(400);
    });

    it("refuses a no-code execution nocode does not show the caller (another user's) with 422, asking nocode as the caller, and stores nothing", async () => {
      const theirs = nocode.own(randomUUID(), f.as('admin'));
      const before = await f.count('backtest');
      nocode.asked.length = 0;
      const r = await f.call('trader', 'POST', '/api/v1/backtests', request({ executionId: theirs }));
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ code: 'BACKTEST.INVALID_REQUEST', errors: [{ path: 'executionId', message: 'is not one of your workflow executions' }] });
      expect(nocode.asked).toEqual([{ id: theirs, userId: subjectOf(f.as('trader').authorization) }]);
      expect((await f.call('trader', 'POST', '/api/v1/backtests', request({ executionId: randomUUID() }))).status).toBe(422); // unknown
      expect(await f.count('backtest')).toBe(before);
    });

    it('gives an execution one backtest: a second naming it, or one nocode shows as already run, answers 422', async () => {
      const executionId = nocode.own(randomUUID(), f.as('trader'));
      const first = await f.call('trader', 'POST', '/api/v1/backtests', request({ executionId }));
      expect(first.status).toBe(202);
      const again = await f.call('trader', 'POST', '/api/v1/backtests', request({ executionId }));
      expect(again.status).toBe(422);
      expect(again.body.errors).toEqual([{ path: 'executionId', message: 'already has a backtest' }]);
      const ran = nocode.own(randomUUID(), f.as('trader'), { status: 'completed', backtestId: first.body.id });
      expect((await f.call('trader', 'POST', '/api/v1/backtests', request({ executionId: ran }))).body.errors).toEqual([{ path: 'executionId', message: 'already has a backtest' }]);
      expect(await f.count('backtest', 'execution_id = ?', [executionId])).toBe(1);
      await f.em().execute(`update "strategy_data"."backtest" set "status" = 'failed', "finished_at" = now() where "id" = ?`, [first.body.id]); // out of the queue
    });

    it('answers 503 when nocode cannot confirm the execution, and stores nothing', async () => {
      const executionId = nocode.own(randomUUID(), f.as('trader'));
      const before = await f.count('backtest');
      nocode.mode = 'down';
      try {
        const r = await f.call('trader', 'POST', '/api/v1/backtests', request({ executionId }));
        expect(r.status).toBe(503);
        expect(r.body).toMatchObject({ code: 'BACKTEST.EXECUTION_UNCHECKED' });
      } finally {
        nocode.mode = 'up';
      }
      expect(await f.count('backtest')).toBe(before);
    });

    it('queues at most BACKTEST_MAX_ACTIVE_PER_USER backtests of one user at once (429), others unaffected', async () => {
      const mine = (await f.call('compliance', 'POST', '/api/v1/strategies', { name: 'mine', spec: SPEC })).body.id;
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await f.call('compliance', 'POST', '/api/v1/backtests', request({ strategyId: mine }));
        expect(r.status).toBe(202);
        ids.push(r.body.id);
      }
      const over = await f.call('compliance', 'POST', '/api/v1/backtests', request({ strategyId: mine }));
      expect(over.status).toBe(429);
      expect(over.body).toMatchObject({ code: 'BACKTEST.TOO_MANY_ACTIVE', detail: expect.stringContaining('3 backtests queued or running') });
      expect(await f.count('backtest', `strategy_id = ?`, [mine])).toBe(3);
      const other = (await f.call('admin', 'POST', '/api/v1/strategies', { name: 'theirs', spec: SPEC })).body.id;
      expect((await f.call('admin', 'POST', '/api/v1/backtests', request({ strategyId: other }))).status).toBe(202);
      // One finishing frees a place.
      await f.em().execute(`update "strategy_data"."backtest" set "status" = 'failed', "finished_at" = now() where "id" = ?`, [ids[0]]);
      expect((await f.call('compliance', 'POST', '/api/v1/backtests', request({ strategyId: mine }))).status).toBe(202);
      await f.em().execute(`update "strategy_data"."backtest" set "status" = 'failed', "finished_at" = now() where "strategy_id" in (?, ?) and "status" = 'queued'`, [mine, other]);
    });

    it('fails a backtest without bars in its range with strategy.backtest.failed', async () => {
      const { id } = (await f.call('trader', 'POST', '/api/v1/backtests', request({ from: '2020-01-01', to: '2020-12-31' }))).body;
      expect(await worker.runOne()).toBe(true);
      expect((await f.call('trader', 'GET', `/api/v1/backtests/${id}`)).body).toMatchObject({ status: 'failed', error: expect.stringContaining('no bars') });
      const e = await tap.waitFor(BacktestFailed.type, id);
      expect(e.data).toMatchObject({ backtestId: id, executionId: null });
    });

    it('takes over a job whose worker crashed (lease expired) and completes it exactly once', async () => {
      const { id } = (await f.call('trader', 'POST', '/api/v1/backtests', request())).body;
      // What a worker killed mid-job leaves behind: running, locked by it, lease long expired.
      await f.em().execute(
        `update "strategy_data"."backtest" set "status" = 'running', "locked_by" = 'crashed-worker', "locked_at" = now() - interval '1 hour', "attempts" = 1, "started_at" = now() - interval '1 hour' where "id" = ?`,
        [id],
      );
      // A job still within its lease is not taken.
      const [fresh] = await f.em().execute<{ id: string }[]>(
        `insert into "strategy_data"."backtest" ("id", "user_id", "strategy_id", "symbols", "from_date", "to_date", "initial_capital", "commission_bps", "slippage_bps", "status", "locked_by", "locked_at", "attempts")
         select gen_random_uuid(), "user_id", "strategy_id", "symbols", "from_date", "to_date", "initial_capital", "commission_bps", "slippage_bps", 'running', 'live-worker', now(), 1
         from "strategy_data"."backtest" where "id" = ? returning "id"`,
        [id],
      );
      worker.start();
      const done = await until(
        () => f.call('trader', 'GET', `/api/v1/backtests/${id}`),
        (r) => r.body.status === 'completed',
      );
      expect(done.body).toMatchObject({ attempts: 2, metrics: { finalEquity: '939.37985' } });
      await tap.waitFor(BacktestCompleted.type, id);
      await worker.stop();
      expect(await worker.runOne()).toBe(false); // nothing left to claim: the live worker's job stays its own
      await new Promise((r) => setTimeout(r, 1000));
      expect(await f.count('backtest', `id = ? and locked_by = ?`, [id, worker.workerId])).toBe(1);
      expect(await f.count('backtest_result', 'backtest_id = ?', [id])).toBe(1);
      expect(await f.count('outbox', 'aggregate_key = ? and event_type = ?', [id, BacktestCompleted.type])).toBe(1);
      expect(tap.of(BacktestCompleted.type, id)).toHaveLength(1);
      expect(await f.count('backtest', `id = ? and status = 'running' and locked_by = 'live-worker'`, [fresh!.id])).toBe(1);
    });

    it('does not let a worker that lost its lease finish the job', async () => {
      const { id } = (await f.call('trader', 'POST', '/api/v1/backtests', request())).body;
      const job = await worker.claim();
      expect(job?.id).toBe(id);
      // Another worker took the job over (as after an expired lease) before this one finished.
      await f.em().execute(`update "strategy_data"."backtest" set "locked_by" = 'other-worker', "attempts" = 2 where "id" = ?`, [id]);
      expect(await worker.process(job!)).toBe('lost');
      expect(await f.count('backtest_result', 'backtest_id = ?', [id])).toBe(0);
      expect(await f.count('outbox', 'aggregate_key = ?', [id])).toBe(0);
      expect(await f.count('backtest', `id = ? and status = 'running'`, [id])).toBe(1);
      await f.em().execute(`update "strategy_data"."backtest" set "status" = 'failed', "finished_at" = now() where "id" = ?`, [id]); // out of the queue
    });
  });
});
