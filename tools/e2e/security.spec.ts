import { randomUUID } from 'node:crypto';
import { ADMIN, call, eventually, startE2ePlatform, type E2ePlatform } from './platform-e2e';
import { apiDocument, operationsOf, type Operation } from './openapi-operations';

type Item = Record<string, unknown>;

const PER_USER_LIMIT = 300;
const BODY_LIMIT = 64 * 1024;

/**
 * Where a user's own resource ids go: each operation with a path id that names something one user
 * owns. An operation with an id that is in neither this table nor SHARED fails the test below, so
 * a new endpoint is classified (and then covered) when it is added.
 */
const OWNED: Record<string, string> = {
  '/api/v1/users/me/watchlists/{id}': 'watchlist',
  '/api/v1/users/me/watchlists/{id}/items': 'watchlist',
  '/api/v1/users/me/watchlists/{id}/items/{symbol}': 'watchlist',
  '/api/v1/users/me/screeners/{id}': 'screener',
  '/api/v1/users/me/screeners/{id}/run': 'screener',
  '/api/v1/strategies/{id}': 'strategy',
  '/api/v1/backtests/{id}': 'backtest',
  '/api/v1/orders/{id}': 'order',
  '/api/v1/broker/connections/{id}': 'connection',
  '/api/v1/broker/connections/{id}/test': 'connection',
  '/api/v1/nocode/workflows/{id}': 'workflow',
  '/api/v1/nocode/workflows/{id}/validate': 'workflow',
  '/api/v1/nocode/workflows/{id}/publish': 'workflow',
  '/api/v1/nocode/workflows/{id}/run': 'workflow',
  '/api/v1/nocode/workflows/{id}/executions': 'workflow',
  '/api/v1/notifications/{id}/read': 'notification',
  '/api/v1/nocode/executions/{id}': 'execution',
  '/api/v1/risk/accounts/{userId}': 'account',
  '/api/v1/risk/accounts/{userId}/halt': 'account',
  '/api/v1/risk/accounts/{userId}/resume': 'account',
};
/** Path ids that name shared market data, the same for everyone. */
const SHARED = new Set([
  '/api/v1/instruments/{symbol}',
  '/api/v1/instruments/{symbol}/bars',
  '/api/v1/instruments/{symbol}/quote',
  '/api/v1/blacklist/{symbol}',
  '/api/v1/screeners/{id}',
  '/api/v1/screeners/{id}/run',
]);
/** Path ids that name something inside the caller's own account (a position by its symbol): another user's cannot be named, and one the caller lacks is 404. */
const CALLERS_OWN = new Set(['/api/v1/positions/{symbol}']);
/** Path parameters that select a period of the caller's own data (a month's statement): always answered, never with another user's rows. */
const CALLERS_PERIOD = new Set(['/api/v1/account/statements/{month}.csv']);

describe('the security matrix through the gateway', () => {
  let platform: E2ePlatform;
  let gw: string;
  let ops: Operation[];
  let symbol: string;
  const token: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };
  /** User A's resources, by kind. */
  const owned: Record<string, string> = {};
  /** Valid bodies, so that what B gets is about ownership, not validation. */
  const bodies: Record<string, unknown> = {};

  const send = (method: string, path: string, o: { token?: string; body?: RequestInit['body']; headers?: Record<string, string> } = {}) =>
    fetch(`${gw}${path}`, { method, body: o.body, headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers }, duplex: 'half' } as RequestInit);

  /** A path with its parameters filled in: a user's own ids where given, else ids nobody has. */
  const fill = (op: Operation, ids: Record<string, string> = {}) =>
    op.path.replace(/\{(\w+)\}/g, (_m, name: string) => ids[name] ?? (name === 'symbol' ? symbol : randomUUID()));

  const expectProblem = async (r: Response, status: number, what: string) => {
    const text = await r.text();
    expect({ what, status: r.status }).toEqual({ what, status });
    expect({ what, type: r.headers.get('content-type') }).toEqual({ what, type: expect.stringMatching(/^application\/problem\+json/) });
    expect(JSON.parse(text)).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  };

  beforeAll(async () => {
    platform = await startE2ePlatform('e2e-security', 55_447, 19_480, ['gateway', 'auth', 'user', 'strategy', 'trading', 'risk', 'broker', 'nocode', 'notification'], {
      env: { GATEWAY_RATE_LIMIT_PER_MINUTE: String(PER_USER_LIMIT), GATEWAY_ANONYMOUS_RATE_LIMIT_PER_MINUTE: String(PER_USER_LIMIT), GATEWAY_BODY_LIMIT_BYTES: String(BODY_LIMIT) },
    });
    gw = platform.url;
    const password = 'security password 123';
    for (const who of ['a', 'b', 'c'] as const) {
      const registered = await call(gw, 'POST', '/api/v1/auth/register', { body: { email: `${who}@security.e2e.test`, password } });
      if (who === 'a') owned.account = String(registered.body.userId);
      token[who] = String((await call(gw, 'POST', '/api/v1/auth/login', { body: { email: `${who}@security.e2e.test`, password } })).body.accessToken);
    }
    const doc = await eventually('the merged OpenAPI document of every service', async () => {
      const d = await apiDocument(gw);
      return d['x-unavailable-services'].length === 0 ? d : undefined;
    });
    ops = operationsOf(doc);

    // User A owns one of everything.
    const a = token.a;
    const instruments = (await call(gw, 'GET', '/api/v1/instruments?limit=2', { token: a })).body.items as Item[];
    symbol = String(instruments[0]!.symbol);
    const created = async (what: string, method: string, path: string, body: unknown, status = 201) => {
      const r = await call(gw, method, path, { token: a, body });
      expect({ what, status: r.status }).toEqual({ what, status });
      return r.body;
    };
    owned.watchlist = String((await created('watchlist', 'POST', '/api/v1/users/me/watchlists', { name: 'A list' })).id);
    const marketCap = ((await call(gw, 'GET', '/api/v1/filters/numeric', { token: a })).body.items as Item[]).find((f) => f.key === 'market_cap')!;
    owned.screener = String(
      (
        await eventually('the filter in the user replica', async () => {
          const r = await call(gw, 'POST', '/api/v1/users/me/screeners', { token: a, body: { name: 'A screener', numeric: [{ filterId: marketCap.id, min: '0' }], categorical: [] } });
          return r.status === 201 ? r : undefined;
        })
      ).body.id,
    );
    const spec = {
      indicators: [
        { id: 'fast', kind: 'sma', params: { period: 5 } },
        { id: 'slow', kind: 'sma', params: { period: 20 } },
      ],
      entry: { cross: { left: { indicator: 'fast' }, direction: 'above', right: { indicator: 'slow' } } },
      exit: { cross: { left: { indicator: 'fast' }, direction: 'below', right: { indicator: 'slow' } } },
      sizing: { kind: 'percent_of_equity', percent: '20' },
    };
    owned.strategy = String((await created('strategy', 'POST', '/api/v1/strategies', { name: 'A strategy', spec })).id);
    const window = { symbols: [symbol], from: '2025-01-01', to: '2025-06-30', initialCapital: '10000' };
    owned.backtest = String((await created('backtest', 'POST', '/api/v1/backtests', { strategyId: owned.strategy, ...window }, 202)).id);
    const workflow = await created('workflow', 'POST', '/api/v1/nocode/workflows', { name: 'A workflow', templateId: 'sma-crossover' });
    owned.workflow = String(workflow.id);
    owned.connection = String((await created('broker connection', 'POST', '/api/v1/broker/connections', { broker: 'paper', label: 'A paper' })).id);
    await created('deposit', 'POST', '/api/v1/portfolio/deposits', { amount: '100000' });
    owned.order = await eventually('the symbol known to trading', async () => {
      const r = await send('POST', '/api/v1/orders', {
        token: a,
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ symbol, side: 'buy', type: 'limit', quantity: '1', limitPrice: '1', timeInForce: 'gtc' }),
      });
      return r.status === 202 ? String(((await r.json()) as Item).id) : undefined;
    });
    owned.notification = await eventually('a notification for A', async () => {
      const items = (await call(gw, 'GET', '/api/v1/notifications', { token: a })).body.items as Item[];
      return items[0] ? String(items[0].id) : undefined;
    });

    owned.execution = String((await created('workflow run', 'POST', `/api/v1/nocode/workflows/${owned.workflow}/run`, window, 202)).executionId);

    bodies['POST /api/v1/users/me/watchlists/{id}/items'] = { symbol };
    bodies['POST /api/v1/risk/accounts/{userId}/halt'] = { reason: 'B tries', mode: 'halted', cancelOpenOrders: false, flatten: false };
    bodies['POST /api/v1/risk/accounts/{userId}/resume'] = { reason: 'B tries' };
    bodies['PUT /api/v1/nocode/workflows/{id}'] = { graph: workflow.graph };
    bodies['POST /api/v1/nocode/workflows/{id}/run'] = window;
  }, 300_000);
  afterAll(() => platform?.stop());

  it('answers 401 problem+json to every operation that is not public when no token is given', async () => {
    const closed = ops.filter((o) => !o.public);
    expect(closed.length).toBeGreaterThan(50);
    for (const op of closed) await expectProblem(await send(op.method.toUpperCase(), fill(op)), 401, `${op.method} ${op.path}`);
    // A token that does not verify is no better than none.
    const op = closed.find((o) => o.path === '/api/v1/auth/me')!;
    await expectProblem(await send('GET', fill(op), { token: `${token.a.slice(0, -4)}AAAA` }), 401, 'a tampered token');
  });

  it("answers 404 to every operation on another user's resources, and lists none of them", async () => {
    const withIds = ops.filter((o) => !o.privileged && o.pathParams.length > 0);
    const unclassified = withIds.filter((o) => !OWNED[o.path] && !SHARED.has(o.path) && !CALLERS_OWN.has(o.path) && !CALLERS_PERIOD.has(o.path)).map((o) => `${o.method} ${o.path}`);
    expect(unclassified).toEqual([]);
    const checked: string[] = [];
    for (const op of withIds.filter((o) => OWNED[o.path])) {
      const body = bodies[`${op.method.toUpperCase()} ${op.path}`];
      const id = owned[OWNED[op.path]!]!;
      const r = await send(op.method.toUpperCase(), fill(op, { id, userId: id }), {
        token: token.b,
        ...(body !== undefined || ['post', 'put', 'patch'].includes(op.method) ? { body: JSON.stringify(body ?? {}), headers: { 'content-type': 'application/json' } } : {}),
      });
      await expectProblem(r, 404, `B: ${op.method} ${op.path}`);
      checked.push(OWNED[op.path]!);
    }
    expect(new Set(checked)).toEqual(new Set(Object.keys(owned)));
    for (const op of withIds.filter((o) => CALLERS_OWN.has(o.path))) await expectProblem(await send(op.method.toUpperCase(), fill(op), { token: token.b }), 404, `B: ${op.method} ${op.path}`);
    for (const op of withIds.filter((o) => CALLERS_PERIOD.has(o.path))) {
      const r = await send('GET', op.path.replace('{month}', new Date().toISOString().slice(0, 7)), { token: token.b });
      const text = await r.text();
      expect({ op: op.path, status: r.status, leaked: Object.values(owned).filter((id) => text.includes(id)) }).toEqual({ op: op.path, status: 200, leaked: [] });
    }

    // B's lists, and the lookups by order id, hold nothing of A's.
    const lists = ops.filter((o) => o.method === 'get' && !o.privileged && !o.streams && o.pathParams.length === 0);
    const mine = Object.values(owned);
    for (const op of lists) {
      // lookups by A's order id, and the required parameters of public data (quotes, the calendar)
      const known: Record<string, string> = { orderId: owned.order!, symbols: symbol, from: '2026-12-01', to: '2026-12-31' };
      const required = (op.operation.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => p.name);
      if (required.some((p) => !(p in known))) throw new Error(`${op.path} needs query parameters this test cannot fill: ${required.join(', ')}`);
      const names = [...new Set([...required, ...(op.operation.parameters?.some((p) => p.name === 'orderId') ? ['orderId'] : [])])];
      const query = names.length ? `?${names.map((p) => `${p}=${encodeURIComponent(known[p]!)}`).join('&')}` : '';
      const r = await send('GET', `${op.path}${query}`, { token: token.b });
      const text = await r.text();
      expect({ op: op.path, status: r.status }).toEqual({ op: op.path, status: 200 });
      expect({ op: op.path, leaked: mine.filter((id) => text.includes(id)) }).toEqual({ op: op.path, leaked: [] });
    }
    // ...while A sees its own (the check above can fail).
    expect((await call(gw, 'GET', `/api/v1/orders/${owned.order}`, { token: token.a })).status).toBe(200);
    expect(JSON.stringify((await call(gw, 'GET', '/api/v1/users/me/watchlists', { token: token.a })).body)).toContain(owned.watchlist);
  });

  it('answers 403 to a trader on every operation that needs another role, and lets an admin through', async () => {
    const privileged = ops.filter((o) => o.privileged);
    expect(privileged.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining([
        'put /api/v1/auth/users/{userId}/roles',
        'post /api/v1/instruments',
        'get /api/v1/compliance/logs',
        'put /api/v1/risk/limits/{userId}',
        'post /api/v1/blacklist',
        // trading's order record (ADR 0033): x-roles compliance, admin; no path ids, so neither OWNED nor SHARED
        'get /api/v1/compliance/orders/verify',
        'get /api/v1/compliance/orders/public-key',
      ]),
    );
    for (const op of privileged) {
      const body = ['post', 'put', 'patch'].includes(op.method) ? { body: '{}', headers: { 'content-type': 'application/json' } } : {};
      await expectProblem(await send(op.method.toUpperCase(), fill(op), { token: token.a, ...body }), 403, `trader: ${op.method} ${op.path}`);
    }
    const admin = String((await call(gw, 'POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken);
    expect((await call(gw, 'GET', '/api/v1/compliance/logs', { token: admin })).status).toBe(200);
    expect((await call(gw, 'GET', '/api/v1/compliance/orders/verify', { token: admin })).body).toMatchObject({ valid: true });
  });

  it('answers 413 to a body over the limit, whether its length is declared or streamed', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT) });
    for (const op of ops.filter((o) => o.operation.requestBody)) {
      await expectProblem(await send(op.method.toUpperCase(), fill(op), { token: token.a, body: big, headers: { 'content-type': 'application/json' } }), 413, `${op.method} ${op.path}`);
    }
    const chunks = new ReadableStream({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode('x'.repeat(BODY_LIMIT / 2)));
        c.close();
      },
    });
    await expectProblem(await send('POST', '/api/v1/users/me/watchlists', { token: token.a, body: chunks, headers: { 'content-type': 'application/json' } }), 413, 'a chunked body');
  });

  it('answers 429 with Retry-After once a caller exceeds its limit, and only to that caller', async () => {
    const me = async () => {
      const r = await send('GET', '/api/v1/auth/me', { token: token.c });
      return { status: r.status, retryAfter: r.headers.get('retry-after'), type: r.headers.get('content-type'), body: (await r.json()) as Item };
    };
    const answers: Awaited<ReturnType<typeof me>>[] = [];
    while (answers.length <= PER_USER_LIMIT) answers.push(...(await Promise.all(Array.from({ length: 20 }, me))));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(PER_USER_LIMIT);
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBe(answers.length - PER_USER_LIMIT);
    expect(limited[0]).toEqual({ status: 429, retryAfter: expect.stringMatching(/^[1-9]\d*$/), type: expect.stringMatching(/^application\/problem\+json/), body: expect.objectContaining({ status: 429 }) });
    expect((await send('GET', '/api/v1/auth/me', { token: token.a })).status).toBe(200);
  });
});
