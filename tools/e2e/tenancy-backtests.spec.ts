import { call, eventually, startE2ePlatform, type E2ePlatform } from './platform-e2e';

type Item = Record<string, unknown>;

const FIRST_PORT = 19_440;
// strategy asks nocode about executions; nocode's port is the platform's eighth (see startE2ePlatform)
const nocodePort = () => Number(process.env.ALPHINTRA_E2E_PORTS?.split(',')[1] ?? FIRST_PORT) + 7;

describe('tenancy across services, and backtests of every shipped template, through the gateway', () => {
  let platform: E2ePlatform;
  let gw: string;
  let alice: string;
  let bob: string;
  let symbols: string[];
  const range = { from: '2025-01-01', to: '2025-12-31', initialCapital: '10000' };

  const signUp = async (email: string) => {
    const password = 'tenancy password 123';
    await call(gw, 'POST', '/api/v1/auth/register', { body: { email, password } });
    return ((await call(gw, 'POST', '/api/v1/auth/login', { body: { email, password } })).body as { accessToken: string }).accessToken;
  };
  const execution = (workflowId: string, executionId: string, token = alice) =>
    eventually(
      `execution ${executionId} to finish`,
      async () => {
        const items = (await call(gw, 'GET', `/api/v1/nocode/workflows/${workflowId}/executions`, { token })).body.items as Item[];
        const x = items.find((i) => i.id === executionId);
        return x && x.status !== 'queued' && x.status !== 'running' ? x : undefined;
      },
      120_000,
    );

  beforeAll(async () => {
    platform = await startE2ePlatform('e2e-tenancy', 55_463, FIRST_PORT, ['gateway', 'auth', 'user', 'strategy', 'nocode'], { env: { NOCODE_URL: `http://127.0.0.1:${nocodePort()}` } });
    gw = platform.url;
    alice = await signUp('alice@tenancy.e2e.test');
    bob = await signUp('bob@tenancy.e2e.test');
    symbols = ((await call(gw, 'GET', '/api/v1/instruments?limit=3', { token: alice })).body.items as Item[]).map((i) => String(i.symbol));
  }, 300_000); // the platform starts slower while CI runs other projects beside it
  afterAll(() => platform?.stop());

  it("refuses a backtest naming another user's no-code execution (422), and the owner's execution keeps its own result", async () => {
    const wf = (await call(gw, 'POST', '/api/v1/nocode/workflows', { token: alice, body: { name: 'alice crossover', templateId: 'sma-crossover' } })).body;
    const run = await call(gw, 'POST', `/api/v1/nocode/workflows/${wf.id}/run`, { token: alice, body: { symbols, ...range } });
    expect(run.status).toBe(202);
    const executionId = String(run.body.executionId);

    // Defect 6: bob names alice's execution in a backtest of his own strategy.
    const bobs = await call(gw, 'POST', '/api/v1/strategies', {
      token: bob,
      body: {
        name: 'bob',
        spec: { indicators: [], entry: { compare: { left: { price: 'close' }, op: '>', right: { value: 0 } } }, exit: { compare: { left: { price: 'close' }, op: '<', right: { value: 0 } } }, sizing: { kind: 'fixed_quantity', quantity: '1' } },
      },
    });
    expect(bobs.status).toBe(201);
    const attack = await call(gw, 'POST', '/api/v1/backtests', { token: bob, body: { strategyId: bobs.body.id, symbols, ...range, executionId } });
    expect(attack.status).toBe(422);
    expect(attack.body).toMatchObject({ code: 'BACKTEST.INVALID_REQUEST', errors: [{ path: 'executionId', message: 'is not one of your workflow executions' }] });

    const done = await execution(String(wf.id), executionId);
    expect(done).toMatchObject({ status: 'completed', error: null });
    const own = await call(gw, 'GET', `/api/v1/backtests/${done.backtestId}`, { token: alice });
    expect(own.body).toMatchObject({ status: 'completed', executionId, symbols });
    expect((own.body.metrics as Item).totalReturn).toBe((done.metrics as Item).totalReturn);

    // Every id of alice's answers 404 to bob, at its owner.
    for (const path of [
      `/api/v1/nocode/executions/${executionId}`,
      `/api/v1/nocode/workflows/${wf.id}`,
      `/api/v1/nocode/workflows/${wf.id}/executions`,
      `/api/v1/backtests/${done.backtestId}`,
      `/api/v1/strategies/${own.body.strategyId}`,
    ]) {
      expect({ path, status: (await call(gw, 'GET', path, { token: bob })).status }).toEqual({ path, status: 404 });
    }
    // ... and as a reference in bob's body it is 422 and stores nothing.
    const theirStrategy = await call(gw, 'POST', '/api/v1/backtests', { token: bob, body: { strategyId: own.body.strategyId, symbols, ...range } });
    expect(theirStrategy.status).toBe(422);
    expect(theirStrategy.body.errors).toEqual([{ path: 'strategyId', message: 'is not one of your strategies' }]);
    // alice's own second backtest naming the execution is refused too: an execution has one backtest.
    const again = await call(gw, 'POST', '/api/v1/backtests', { token: alice, body: { strategyId: own.body.strategyId, symbols, ...range, executionId } });
    expect(again.body.errors).toEqual([{ path: 'executionId', message: 'already has a backtest' }]);

    // user → strategy: a custom screener (its filters are strategy's public catalog) runs only for its owner.
    const marketCap = ((await call(gw, 'GET', '/api/v1/filters/numeric', { token: alice })).body.items as Item[]).find((f) => f.key === 'market_cap')!;
    const screener = await eventually('the filter in the user replica', async () => {
      const r = await call(gw, 'POST', '/api/v1/users/me/screeners', { token: alice, body: { name: 'All', numeric: [{ filterId: marketCap.id, min: '0' }], categorical: [] } });
      return r.status === 201 ? r.body : undefined;
    });
    expect((await call(gw, 'POST', `/api/v1/users/me/screeners/${screener.id}/run`, { token: bob })).status).toBe(404);
    expect((await call(gw, 'POST', `/api/v1/users/me/screeners/${screener.id}/run`, { token: alice })).status).toBe(200);
  }, 300_000);

  it('validates, publishes, registers and backtests every shipped template', async () => {
    const templates = ((await call(gw, 'GET', '/api/v1/nocode/templates', { token: alice })).body.items as Item[]).map((t) => String(t.id));
    expect(templates.sort()).toEqual(['bollinger-breakout', 'rsi-mean-reversion', 'sma-crossover']);
    const runs: { templateId: string; workflowId: string; executionId: string }[] = [];
    for (const templateId of templates) {
      const wf = (await call(gw, 'POST', '/api/v1/nocode/workflows', { token: alice, body: { name: templateId, templateId } })).body;
      expect({ templateId, validation: (await call(gw, 'POST', `/api/v1/nocode/workflows/${wf.id}/validate`, { token: alice })).body }).toEqual({ templateId, validation: { valid: true, errors: [] } });
      expect((await call(gw, 'POST', `/api/v1/nocode/workflows/${wf.id}/publish`, { token: alice })).status).toBe(202);
      const run = await call(gw, 'POST', `/api/v1/nocode/workflows/${wf.id}/run`, { token: alice, body: { symbols, ...range } });
      expect({ templateId, status: run.status }).toEqual({ templateId, status: 202 });
      runs.push({ templateId, workflowId: String(wf.id), executionId: String(run.body.executionId) });
    }
    // strategy accepted each published spec (a refused one is recorded as a rejection, not a strategy)
    await eventually('strategy to register every published template', async () => {
      const items = (await call(gw, 'GET', '/api/v1/strategies?limit=500', { token: alice })).body.items as Item[];
      return runs.every((r) => items.some((s) => s.workflowId === r.workflowId && s.source === 'nocode')) ? true : undefined;
    });
    for (const r of runs) {
      const x = await execution(r.workflowId, r.executionId);
      expect({ templateId: r.templateId, status: x.status, error: x.error }).toEqual({ templateId: r.templateId, status: 'completed', error: null });
      expect(x.metrics).toEqual(expect.objectContaining({ totalReturn: expect.any(String), maxDrawdown: expect.any(String) }));
    }
  }, 300_000);
});
