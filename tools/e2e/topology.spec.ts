import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { repoRoot } from '@alphintra/devinfra';
import { Dec } from '@alphintra/money';
import { SERVICES } from '@alphintra/platform-database';
import { ADMIN, call, eventually, startE2ePlatform, type E2ePlatform } from './platform-e2e';

type Item = Record<string, string>;

describe('schema-based consolidation: the platform moved from eight databases to one', () => {
  let platform: E2ePlatform;
  let gw: string;

  /** The built ops CLI, as an operator runs it: the admin connection and the roles' passwords in the environment. */
  const ops = (...args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const { host, port, user, password } = platform.postgres;
      const env: NodeJS.ProcessEnv = { ...process.env, PGHOST: host, PGPORT: String(port), PGUSER: user, PGPASSWORD: password };
      for (const s of SERVICES) {
        env[`${s.toUpperCase()}_DATABASE_PASSWORD`] = platform.secrets[s].runtimePassword;
        env[`${s.toUpperCase()}_DATABASE_OWNER_PASSWORD`] = platform.secrets[s].ownerPassword;
      }
      const child = spawn(process.execPath, [join(repoRoot(), 'dist/tools/ops/main.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code) => resolve({ code, out }));
    });
  const databases = async () => {
    const c = new Client({ ...platform.postgres, database: 'postgres' });
    await c.connect();
    try {
      return (await c.query<{ datname: string }>("select datname from pg_database where datname like 'alphintra%' order by 1")).rows.map((r) => r.datname);
    } finally {
      await c.end();
    }
  };
  const order = (token: string, body: Record<string, unknown>) =>
    fetch(`${gw}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Item }));
  const filled = (id: string, token: string) =>
    eventually(`order ${id} to settle`, async () => {
      const o = (await call(gw, 'GET', `/api/v1/orders/${id}`, { token })).body;
      return ['filled', 'rejected', 'cancelled'].includes(String(o.status)) ? o : undefined;
    }, 60_000);

  beforeAll(async () => {
    platform = await startE2ePlatform('e2e-topology', 55_450, 19_780, ['gateway', 'auth', 'strategy', 'trading', 'risk', 'broker'], { topology: 'separate' });
    gw = platform.url;
  }, 300_000);
  afterAll(() => platform?.stop());

  it('keeps sessions, orders, positions, cash and the compliance chain across the move, fills new orders after it, and drops the old databases only when asked', async () => {
    const password = 'consolidation password 1';
    await call(gw, 'POST', '/api/v1/auth/register', { body: { email: 'mover@e2e.test', password } });
    const session = (await call(gw, 'POST', '/api/v1/auth/login', { body: { email: 'mover@e2e.test', password } })).body as Item;
    const alice = session.accessToken;
    const symbol = String(((await call(gw, 'GET', '/api/v1/instruments?limit=1', { token: alice })).body.items as Item[])[0].symbol);
    expect((await call(gw, 'POST', '/api/v1/portfolio/deposits', { token: alice, body: { amount: '100000' } })).status).toBe(201);
    const bought = await eventually('the symbol known to trading', async () => {
      const r = await order(alice, { symbol, side: 'buy', type: 'market', quantity: '10', timeInForce: 'day' });
      return r.status === 202 ? r : undefined;
    });
    expect((await filled(bought.body.id, alice)).status).toBe('filled');
    const before = {
      order: (await call(gw, 'GET', `/api/v1/orders/${bought.body.id}`, { token: alice })).body,
      portfolio: (await call(gw, 'GET', '/api/v1/portfolio', { token: alice })).body as { cash: string; positions: Item[] },
      executions: (await call(gw, 'GET', '/api/v1/executions', { token: alice })).body,
    };
    expect(before.portfolio.positions).toEqual([expect.objectContaining({ symbol, quantity: expect.stringMatching(/^10(\.0+)?$/) })]);

    await platform.stopApps();
    const moved = await ops('migrate-topology', '--from', 'separate', '--to', 'schemas');
    if (process.env.E2E_LOGS) process.stdout.write(moved.out);
    expect({ code: moved.code, summary: moved.out.trim().split('\n').pop() }).toEqual({ code: 0, summary: expect.stringMatching(/^moved 8 of 8 services .*: all equal$/) });
    const tradingTables = moved.out.split('\n').filter((l) => /^trading\s+table\s/.test(l));
    expect(tradingTables.length).toBeGreaterThanOrEqual(5);
    expect(tradingTables.every((l) => l.trimEnd().endsWith(' ok'))).toBe(true);
    expect(moved.out).not.toMatch(/MISMATCH/);
    expect(await databases()).toEqual(expect.arrayContaining(['alphintra_central', 'alphintra_trading']));

    await platform.startApps('schemas');
    // the access token signed before the move still verifies (auth's keys moved with it); the refresh token still rotates
    expect((await call(gw, 'GET', `/api/v1/orders/${bought.body.id}`, { token: alice })).body).toEqual(before.order);
    expect((await call(gw, 'GET', '/api/v1/portfolio', { token: alice })).body).toEqual(before.portfolio);
    expect((await call(gw, 'GET', '/api/v1/executions', { token: alice })).body).toEqual(before.executions);
    const rotated = await call(gw, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: session.refreshToken } });
    expect(rotated.status).toBe(200);

    const sold = await order(alice, { symbol, side: 'sell', type: 'market', quantity: '4', timeInForce: 'day' });
    expect(sold.status).toBe(202);
    expect((await filled(sold.body.id, alice)).status).toBe('filled');
    const after = (await call(gw, 'GET', '/api/v1/portfolio', { token: alice })).body as { cash: string; positions: Item[] };
    expect(after.positions).toEqual([expect.objectContaining({ symbol, quantity: expect.stringMatching(/^6(\.0+)?$/) })]);
    expect(new Dec(after.cash).gt(before.portfolio.cash)).toBe(true);
    const admin = String((await call(gw, 'POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken);
    expect((await call(gw, 'GET', '/api/v1/compliance/logs/verify', { token: admin })).body).toEqual({ valid: true, entries: expect.any(Number), firstInvalidSeq: null });

    // the old layout stays until this explicit step; the platform does not notice it going
    expect((await ops('migrate-topology', '--from', 'separate', '--to', 'schemas', '--drop-source')).code).toBe(0);
    expect(await databases()).toEqual(['alphintra_central']);
    expect((await call(gw, 'GET', '/api/v1/portfolio', { token: alice })).body).toEqual(after);
  }, 600_000); // two deployments, a migration and four orders; CI runs it beside other projects' tests
});
