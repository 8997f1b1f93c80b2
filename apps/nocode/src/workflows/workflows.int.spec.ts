import { randomUUID } from 'node:crypto';
import { parseStrategySpec } from '@alphintra/backtesting';
import { BacktestCompleted, BacktestFailed, TOPICS } from '@alphintra/contracts';
import { fromMessage, type CloudEvent } from '@alphintra/platform-messaging';
import { FakeStrategy, testKafka, uniqueId } from '@alphintra/testing';
import { TEMPLATE_SEED } from '../migrations/0003_templates';
import { startNocodeService, until, type NocodeServiceFixture } from '../testing/nocode-service.fixture';

describe('nocode workflows', () => {
  let f: NocodeServiceFixture;
  let strategy: FakeStrategy;
  const published: CloudEvent[] = [];
  const reader = testKafka('nocode-test-reader').consumer({ groupId: uniqueId() });
  const alice = randomUUID();
  const bob = randomUUID();
  const base = '/api/v1/nocode';
  const run = { symbols: ['AAPL', 'msft'], from: '2024-01-01', to: '2024-06-30', initialCapital: '100000' };

  const fromTemplate = async (templateId: string, as = alice) => {
    const r = await f.api('POST', `${base}/workflows`, { as, body: { name: `My ${templateId}`, templateId } });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  beforeAll(async () => {
    strategy = await FakeStrategy.start();
    f = await startNocodeService({ STRATEGY_URL: strategy.url, STRATEGY_TIMEOUT_MS: '1000' });
    await reader.connect();
    await reader.subscribe({ topic: f.svc.inst.topicPrefix + TOPICS.nocodeWorkflow, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void published.push(fromMessage(message)) });
  });
  afterAll(async () => {
    await reader.disconnect();
    await f?.close();
    await strategy?.close();
  });

  it('lists the seeded templates', async () => {
    const r = await f.api('GET', `${base}/templates`, { as: alice });
    expect(r.status).toBe(200);
    expect(r.body.items.map((t: { id: string }) => t.id)).toEqual(['bollinger-breakout', 'rsi-mean-reversion', 'sma-crossover']);
  });

  it('creates a workflow from a template, validates it, and publishes the compiled spec through the outbox', async () => {
    const created = await f.api('POST', `${base}/workflows`, { as: alice, body: { name: 'Crossover', templateId: 'sma-crossover' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Crossover', version: 1, graph: TEMPLATE_SEED[0].graph, createdAt: expect.any(String) });
    const id = created.body.id;

    const valid = await f.api('POST', `${base}/workflows/${id}/validate`, { as: alice });
    expect(valid.status).toBe(200);
    expect(valid.body).toEqual({ valid: true, errors: [] });

    const pub = await f.api('POST', `${base}/workflows/${id}/publish`, { as: alice });
    expect(pub.status).toBe(202);
    expect(pub.body).toEqual({ workflowId: id, version: 1 });

    await until('nocode.workflow.published', () => published.some((e) => e.subject === id));
    const event = published.find((e) => e.subject === id)!;
    expect(event.type).toBe('nocode.workflow.published');
    expect(event.data).toEqual({
      workflowId: id,
      version: 1,
      userId: alice,
      name: 'Crossover',
      publishedAt: expect.any(String),
      spec: {
        indicators: [
          { id: 'fast', kind: 'sma', params: { period: 20 } },
          { id: 'slow', kind: 'sma', params: { period: 50 } },
        ],
        entry: { cross: { left: { indicator: 'fast' }, direction: 'above', right: { indicator: 'slow' } } },
        exit: { cross: { left: { indicator: 'fast' }, direction: 'below', right: { indicator: 'slow' } } },
        sizing: { kind: 'percent_of_equity', percent: '10' },
      },
    });
  });

  it.each(TEMPLATE_SEED.map((t) => t.id))('validates the %s template and publishes a spec strategy accepts', async (templateId) => {
    const id = await fromTemplate(templateId);
    expect((await f.api('POST', `${base}/workflows/${id}/validate`, { as: alice })).body).toEqual({ valid: true, errors: [] });
    expect((await f.api('POST', `${base}/workflows/${id}/publish`, { as: alice })).status).toBe(202);
    await until('nocode.workflow.published', () => published.some((e) => e.subject === id));
    const { spec } = published.find((e) => e.subject === id)!.data as { spec: unknown };
    expect(parseStrategySpec(spec)).toEqual({ ok: true, spec });
  });

  it('stores a PUT as version 2, reports its errors per node, and refuses to publish it (422)', async () => {
    const id = await fromTemplate('rsi-mean-reversion');
    const graph = structuredClone(TEMPLATE_SEED[1].graph) as unknown as { nodes: { id: string; type: string; params: object }[]; edges: unknown[] };
    graph.nodes = graph.nodes.filter((n) => n.type !== 'sizing');
    const put = await f.api('PUT', `${base}/workflows/${id}`, { as: alice, body: { graph } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id, version: 2, graph });
    expect((await f.api('GET', `${base}/workflows/${id}`, { as: alice })).body).toMatchObject({ version: 2, graph });
    expect(await f.sql(`select "version" from "nocode_data"."workflow_version" where "workflow_id" = ? order by 1`, [id])).toEqual([{ version: 1 }, { version: 2 }]);

    const valid = await f.api('POST', `${base}/workflows/${id}/validate`, { as: alice });
    expect(valid.body).toEqual({ valid: false, errors: [{ message: 'the workflow needs exactly one sizing node, it has none' }] });

    const before = await f.snapshot();
    const pub = await f.api('POST', `${base}/workflows/${id}/publish`, { as: alice });
    expect(pub.status).toBe(422);
    expect(pub.contentType).toMatch(/^application\/problem\+json/);
    expect(pub.body).toMatchObject({ code: 'WORKFLOW.INVALID', errors: [{ path: 'graph', message: 'the workflow needs exactly one sizing node, it has none' }] });
    expect(await f.snapshot()).toEqual(before);

    const list = await f.api('GET', `${base}/workflows`, { as: alice });
    expect(list.body.items.find((w: { id: string }) => w.id === id)).toMatchObject({ version: 2 });
  });

  it('runs a backtest through strategy as the caller, and completes the execution from strategy.backtest.completed', async () => {
    const id = await fromTemplate('rsi-mean-reversion');
    strategy.received = [];
    const r = await f.api('POST', `${base}/workflows/${id}/run`, { as: alice, body: { ...run, commissionBps: 5 } });
    expect(r.status).toBe(202);
    const executionId = r.body.executionId;
    expect(executionId).toMatch(/^[0-9a-f-]{36}$/);

    const [reg, bt] = strategy.received;
    expect(reg).toEqual({
      method: 'POST',
      path: '/api/v1/strategies',
      authorization: f.bearer(alice),
      body: {
        name: 'My rsi-mean-reversion (v1)',
        spec: {
          indicators: [{ id: 'rsi', kind: 'rsi', params: { period: 14 } }],
          entry: { compare: { left: { indicator: 'rsi' }, op: '<', right: { value: 30 } } },
          exit: { compare: { left: { indicator: 'rsi' }, op: '>', right: { value: 70 } } },
          sizing: { kind: 'fixed_quantity', quantity: '10' },
        },
      },
    });
    const strategyId = strategy.strategyIds.at(-1);
    const backtestId = strategy.backtestIds.at(-1)!;
    expect(bt).toEqual({
      method: 'POST',
      path: '/api/v1/backtests',
      authorization: f.bearer(alice),
      body: { strategyId, symbols: ['AAPL', 'MSFT'], from: '2024-01-01', to: '2024-06-30', initialCapital: '100000', commissionBps: '5', slippageBps: '0', executionId },
    });

    const history = await f.api('GET', `${base}/workflows/${id}/executions`, { as: alice });
    expect(history.body.items).toEqual([expect.objectContaining({ id: executionId, workflowId: id, version: 1, status: 'queued', backtestId, metrics: null, error: null })]);

    const done = { backtestId, strategyId: strategyId!, userId: alice, executionId, totalReturn: '0.1234', sharpe: '1.5', maxDrawdown: '0.08', trades: 7, completedAt: new Date().toISOString() };
    await f.consumed(await f.publish(BacktestCompleted, backtestId, done));
    const after = await f.api('GET', `${base}/workflows/${id}/executions`, { as: alice });
    expect(after.body.items[0]).toMatchObject({ status: 'completed', backtestId, metrics: { totalReturn: '0.1234', sharpe: '1.5', maxDrawdown: '0.08', trades: 7 } });
  });

  it('fails the execution from strategy.backtest.failed', async () => {
    const id = await fromTemplate('bollinger-breakout');
    const { executionId } = (await f.api('POST', `${base}/workflows/${id}/run`, { as: alice, body: run })).body;
    const backtestId = strategy.backtestIds.at(-1)!;
    const failed = { backtestId, strategyId: strategy.strategyIds.at(-1)!, userId: alice, executionId, reason: 'no bars for AAPL', failedAt: new Date().toISOString() };
    await f.consumed(await f.publish(BacktestFailed, backtestId, failed));
    expect((await f.api('GET', `${base}/workflows/${id}/executions`, { as: alice })).body.items[0]).toMatchObject({ id: executionId, status: 'failed', error: 'no bars for AAPL' });
  });

  it("shows strategy one execution of the caller's (its check before a backtest may name it), and nobody else's", async () => {
    const id = await fromTemplate('sma-crossover');
    const { executionId } = (await f.api('POST', `${base}/workflows/${id}/run`, { as: alice, body: run })).body;
    const own = await f.api('GET', `${base}/executions/${executionId}`, { as: alice });
    expect(own.status).toBe(200);
    expect(own.body).toEqual(expect.objectContaining({ id: executionId, workflowId: id, status: 'queued', backtestId: strategy.backtestIds.at(-1) }));
    const other = await f.api('GET', `${base}/executions/${executionId}`, { as: bob });
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ code: 'EXECUTION.NOT_FOUND' });
    expect((await f.api('GET', `${base}/executions/${randomUUID()}`, { as: alice })).status).toBe(404);
  });

  it("ignores a backtest event naming another user's execution, or a backtest that is not the execution's", async () => {
    const id = await fromTemplate('rsi-mean-reversion');
    const { executionId } = (await f.api('POST', `${base}/workflows/${id}/run`, { as: alice, body: run })).body;
    const backtestId = strategy.backtestIds.at(-1)!;
    const before = await f.snapshot();
    const result = { strategyId: randomUUID(), executionId, totalReturn: '-0.99', sharpe: null, maxDrawdown: '0.99', trades: 1, completedAt: new Date().toISOString() };
    await f.consumed(await f.publish(BacktestCompleted, backtestId, { ...result, backtestId, userId: bob }));
    const otherBacktest = randomUUID();
    await f.consumed(await f.publish(BacktestCompleted, otherBacktest, { ...result, backtestId: otherBacktest, userId: alice }));
    await f.consumed(await f.publish(BacktestFailed, backtestId, { backtestId, strategyId: result.strategyId, userId: bob, executionId, reason: 'overwritten', failedAt: result.completedAt }));
    expect(await f.snapshot()).toEqual({ ...before, inbox: expect.any(String) }); // only the inbox took the events
    expect((await f.api('GET', `${base}/executions/${executionId}`, { as: alice })).body).toMatchObject({ status: 'queued', backtestId, metrics: null, error: null });
  });

  it('answers 429 when strategy queues no more of the caller\'s backtests, recording the execution as failed', async () => {
    const id = await fromTemplate('sma-crossover');
    strategy.mode = 'busy';
    try {
      const r = await f.api('POST', `${base}/workflows/${id}/run`, { as: alice, body: run });
      expect(r.status).toBe(429);
      expect(r.body).toMatchObject({ code: 'WORKFLOW.TOO_MANY_BACKTESTS', detail: expect.stringContaining('3 backtests queued or running') });
    } finally {
      strategy.mode = 'up';
    }
    const [x] = (await f.api('GET', `${base}/workflows/${id}/executions`, { as: alice })).body.items;
    expect(x).toMatchObject({ status: 'failed', error: expect.stringContaining('429') });
  });

  it('records the execution as failed and answers 503 when strategy is unreachable; 422 when it refuses', async () => {
    const id = await fromTemplate('sma-crossover');
    strategy.mode = 'down';
    try {
      const r = await f.api('POST', `${base}/workflows/${id}/run`, { as: alice, body: run });
      expect(r.status).toBe(503);
      expect(r.contentType).toMatch(/^application\/problem\+json/);
    } finally {
      strategy.mode = 'up';
    }
    const [x] = (await f.api('GET', `${base}/workflows/${id}/executions`, { as: alice })).body.items;
    expect(x).toMatchObject({ status: 'failed', backtestId: null, error: expect.stringContaining('strategy did not answer POST /api/v1/strategies') });

    strategy.mode = 'reject';
    try {
      const r = await f.api('POST', `${base}/workflows/${id}/run`, { as: alice, body: run });
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ code: 'WORKFLOW.BACKTEST_REFUSED', detail: expect.stringContaining('symbol ZZZZ is not listed') });
    } finally {
      strategy.mode = 'up';
    }
  });

  it("answers 404 for another user's workflow, whatever the operation, and changes nothing", async () => {
    const id = await fromTemplate('sma-crossover');
    const before = await f.snapshot();
    strategy.received = [];
    for (const [method, path, body] of [
      ['GET', `/workflows/${id}`],
      ['PUT', `/workflows/${id}`, { graph: { nodes: [], edges: [] } }],
      ['POST', `/workflows/${id}/validate`],
      ['POST', `/workflows/${id}/publish`],
      ['POST', `/workflows/${id}/run`, run],
      ['GET', `/workflows/${id}/executions`],
    ] as const) {
      const r = await f.api(method, base + path, { as: bob, body });
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ code: 'WORKFLOW.NOT_FOUND' });
    }
    expect((await f.api('GET', `${base}/workflows`, { as: bob })).body.items).toEqual([]);
    expect(strategy.received).toEqual([]);
    expect(await f.snapshot()).toEqual(before);
  });

  it('answers 422 for an unknown template', async () => {
    const r = await f.api('POST', `${base}/workflows`, { as: alice, body: { name: 'x', templateId: 'nope' } });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'WORKFLOW.UNKNOWN_TEMPLATE', errors: [{ path: 'templateId' }] });
  });

  describe('bad input: 400 naming the field, nothing written', () => {
    let id: string;
    beforeAll(async () => (id = await fromTemplate('sma-crossover')));
    const graph = { nodes: [], edges: [] };

    it.each([
      ['POST', '/workflows', { graph }, 'name'],
      ['POST', '/workflows', { name: ' ', graph }, 'name'],
      ['POST', '/workflows', { name: 'x' }, 'graph'],
      ['POST', '/workflows', { name: 'x', graph, templateId: 'sma-crossover' }, 'graph'],
      ['POST', '/workflows', { name: 'x', graph: { nodes: [{ id: 'a' }], edges: [] } }, 'graph.nodes.0.type'],
      ['POST', '/workflows', { name: 'x', graph: { nodes: [], edges: [{ from: { node: 'a' }, to: { node: 'b', port: 'c' } }] } }, 'graph.edges.0.from.port'],
      ['PUT', '/workflows/{id}', { graph: { nodes: 'x', edges: [] } }, 'graph.nodes'],
      ['PUT', '/workflows/{id}', {}, 'graph'],
      ['PUT', '/workflows/not-a-uuid', { graph }, 'id'],
      ['GET', '/workflows/not-a-uuid', undefined, 'id'],
      ['POST', '/workflows/{id}/publish'.replace('{id}', 'nope'), undefined, 'id'],
      ['POST', '/workflows/{id}/run', { ...run, symbols: [] }, 'symbols'],
      ['POST', '/workflows/{id}/run', { ...run, symbols: ['a$'] }, 'symbols.0'],
      ['POST', '/workflows/{id}/run', { ...run, from: '2024-13-01' }, 'from'],
      ['POST', '/workflows/{id}/run', { ...run, to: '2023-01-01' }, 'to'],
      ['POST', '/workflows/{id}/run', { ...run, initialCapital: 100 }, 'initialCapital'],
      ['POST', '/workflows/{id}/run', { ...run, initialCapital: '0' }, 'initialCapital'],
      ['POST', '/workflows/{id}/run', { ...run, commissionBps: -1 }, 'commissionBps'],
    ])('%s %s %j → 400 naming %s', async (method, path, body, field) => {
      const before = await f.snapshot();
      strategy.received = [];
      const r = await f.api(method, base + path.replace('{id}', id), { as: alice, body });
      expect(r.status).toBe(400);
      expect(r.contentType).toMatch(/^application\/problem\+json/);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      expect(strategy.received).toEqual([]);
      expect(await f.snapshot()).toEqual(before);
    });
  });
});
