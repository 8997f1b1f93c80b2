import { call, eventually, startE2ePlatform, type E2ePlatform } from './platform-e2e';

type Item = Record<string, unknown>;

describe('research through the gateway: market data, screens, workflows and backtests', () => {
  let platform: E2ePlatform;
  let gw: string;
  let token: string;

  beforeAll(async () => {
    platform = await startE2ePlatform('e2e-research', 55_444, 19_180, ['gateway', 'auth', 'user', 'strategy', 'nocode']);
    gw = platform.url;
    const password = 'research password 123';
    await call(gw, 'POST', '/api/v1/auth/register', { body: { email: 'quant@e2e.test', password } });
    token = ((await call(gw, 'POST', '/api/v1/auth/login', { body: { email: 'quant@e2e.test', password } })).body as { accessToken: string }).accessToken;
  }, 300_000); // the platform starts slower while CI runs other projects beside it
  afterAll(() => platform?.stop());

  it('browses demo instruments and bars, and screens them', async () => {
    const instruments = await call(gw, 'GET', '/api/v1/instruments?limit=5', { token });
    expect(instruments.body.items).toHaveLength(5);
    const symbol = String(instruments.body.items![0].symbol);
    const bars = await call(gw, 'GET', `/api/v1/instruments/${symbol}/bars?from=2025-06-01&to=2025-06-30`, { token });
    expect(bars.status).toBe(200);
    expect(bars.body.items!.length).toBeGreaterThan(15);
    expect(bars.body.items![0]).toEqual(expect.objectContaining({ open: expect.stringMatching(/^\d+(\.\d+)?$/) }));

    const screeners = await call(gw, 'GET', '/api/v1/screeners', { token });
    const ran = await call(gw, 'POST', `/api/v1/screeners/${screeners.body.items![0].id}/run`, { token });
    expect(ran.status).toBe(200);

    const numeric = (await call(gw, 'GET', '/api/v1/filters/numeric', { token })).body.items as Item[];
    const marketCap = numeric.find((f) => f.key === 'market_cap')!;
    const all = await call(gw, 'POST', '/api/v1/screens/run', { token, body: { numeric: [{ filterId: marketCap.id, min: '0' }], categorical: [] } });
    expect(all.body.items).toHaveLength(20);
    const unknown = await call(gw, 'POST', '/api/v1/screens/run', { token, body: { numeric: [{ filterId: '00000000-0000-4000-8000-000000000000', min: '0' }], categorical: [] } });
    expect(unknown.status).toBe(422);

    // the user service's custom screener: filters known from strategy's events, run through strategy's API
    const custom = await eventually('the filter in the user replica', async () => {
      const r = await call(gw, 'POST', '/api/v1/users/me/screeners', { token, body: { name: 'Everything', numeric: [{ filterId: marketCap.id, min: '0' }], categorical: [] } });
      return r.status === 201 ? r : undefined;
    });
    const customRun = await call(gw, 'POST', `/api/v1/users/me/screeners/${custom.body.id}/run`, { token });
    expect(customRun.body.items).toHaveLength(20);
    const bad = await call(gw, 'POST', '/api/v1/users/me/screeners', {
      token,
      body: { name: 'Bad', numeric: [{ filterId: '00000000-0000-4000-8000-000000000000', min: '0' }], categorical: [] },
    });
    expect(bad.status).toBe(422);
  });

  it('refuses an invalid strategy spec with the path of each error, and runs a backtest to completion', async () => {
    const invalid = await call(gw, 'POST', '/api/v1/strategies', {
      token,
      body: {
        name: 'broken',
        spec: {
          indicators: [{ id: 'fast', kind: 'sma', params: { period: 5 } }],
          entry: { compare: { left: { indicator: 'nope' }, op: '>', right: { value: 1 } } },
          exit: { compare: { left: { price: 'close' }, op: '<', right: { indicator: 'fast' } } },
          sizing: { kind: 'fixed_quantity', quantity: '10' },
        },
      },
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringContaining('entry.compare.left.indicator') })]));

    const symbols = ((await call(gw, 'GET', '/api/v1/instruments?limit=2', { token })).body.items as Item[]).map((i) => i.symbol);
    const strategy = await call(gw, 'POST', '/api/v1/strategies', {
      token,
      body: {
        name: 'sma cross',
        spec: {
          indicators: [
            { id: 'fast', kind: 'sma', params: { period: 5 } },
            { id: 'slow', kind: 'sma', params: { period: 20 } },
          ],
          entry: { cross: { left: { indicator: 'fast' }, direction: 'above', right: { indicator: 'slow' } } },
          exit: { cross: { left: { indicator: 'fast' }, direction: 'below', right: { indicator: 'slow' } } },
          sizing: { kind: 'percent_of_equity', percent: '20' },
        },
      },
    });
    expect(strategy.status).toBe(201);
    const queued = await call(gw, 'POST', '/api/v1/backtests', {
      token,
      body: { strategyId: strategy.body.id, symbols, from: '2025-01-01', to: '2025-12-31', initialCapital: '10000', commissionBps: '5', slippageBps: '5' },
    });
    expect(queued.status).toBe(202);
    expect(queued.body.status).toBe('queued');
    const done = await eventually('the backtest to complete', async () => {
      const r = await call(gw, 'GET', `/api/v1/backtests/${queued.body.id}`, { token });
      return r.body.status === 'completed' ? r.body : undefined;
    });
    expect(done.metrics).toEqual(expect.objectContaining({ totalReturn: expect.any(String), maxDrawdown: expect.any(String), sharpe: expect.anything() }));
    expect((done.equityCurve as unknown[]).length).toBeGreaterThan(200);
  });

  it('builds a workflow from a template, validates, publishes and runs it', async () => {
    const templates = (await call(gw, 'GET', '/api/v1/nocode/templates', { token })).body.items as Item[];
    expect(templates.map((t) => t.id)).toEqual(expect.arrayContaining(['sma-crossover', 'rsi-mean-reversion', 'bollinger-breakout']));
    const wf = await call(gw, 'POST', '/api/v1/nocode/workflows', { token, body: { name: 'my crossover', templateId: 'sma-crossover' } });
    expect(wf.status).toBe(201);
    const validation = await call(gw, 'POST', `/api/v1/nocode/workflows/${wf.body.id}/validate`, { token });
    expect(validation.body).toEqual({ valid: true, errors: [] });
    const published = await call(gw, 'POST', `/api/v1/nocode/workflows/${wf.body.id}/publish`, { token });
    expect(published.status).toBe(202);
    await eventually('strategy to register the published workflow', async () => {
      const list = (await call(gw, 'GET', '/api/v1/strategies', { token })).body.items as Item[];
      return list.some((s) => s.workflowId === wf.body.id) ? true : undefined;
    });

    const symbols = ((await call(gw, 'GET', '/api/v1/instruments?limit=2', { token })).body.items as Item[]).map((i) => i.symbol);
    const run = await call(gw, 'POST', `/api/v1/nocode/workflows/${wf.body.id}/run`, { token, body: { symbols, from: '2025-01-01', to: '2025-12-31', initialCapital: '10000' } });
    expect({ status: run.status, body: run.status === 202 ? {} : run.body }).toEqual({ status: 202, body: {} });
    const execution = await eventually('the workflow execution to complete', async () => {
      const list = (await call(gw, 'GET', `/api/v1/nocode/workflows/${wf.body.id}/executions`, { token })).body.items as Item[];
      const e = list.find((x) => x.id === run.body.executionId);
      return e?.status === 'completed' ? e : undefined;
    });
    expect(execution.metrics).toEqual(expect.objectContaining({ totalReturn: expect.any(String) }));
  });
});
