import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { AuthTestService } from './testing/auth-test-service';

/** A TCP relay in front of PostgreSQL that can cut the database away: open connections drop, new ones hang. */
async function cuttableDatabase(target: URL): Promise<{ port: number; cut(): void; restore(): void; close(): Promise<void> }> {
  const live = new Set<Socket>();
  let away = false;
  const server: Server = createServer((client) => {
    live.add(client);
    client.on('close', () => live.delete(client));
    client.on('error', () => undefined);
    if (away) return; // taken, never answered
    const upstream = connect({ host: target.hostname, port: Number(target.port) });
    live.add(upstream);
    upstream.on('close', () => (live.delete(upstream), client.destroy()));
    upstream.on('error', () => undefined);
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dropAll = () => [...live].forEach((s) => s.destroy());
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => ((away = true), dropAll()),
    restore: () => ((away = false), dropAll()),
    close: () => (dropAll(), new Promise((resolve) => server.close(() => resolve()))),
  };
}

describe('database limits of the runtime role and a database that is away', () => {
  const saved = { ...process.env };
  let db: Awaited<ReturnType<typeof cuttableDatabase>>;
  let auth: AuthTestService;

  beforeAll(async () => {
    // Provisioning reads the runtime user's limits from its environment.
    Object.assign(process.env, { DB_RUNTIME_STATEMENT_TIMEOUT_MS: '1500', DB_RUNTIME_LOCK_TIMEOUT_MS: '1000', DB_RUNTIME_IDLE_IN_TRANSACTION_TIMEOUT_MS: '3000' });
    db = await cuttableDatabase(new URL(process.env.ALPHINTRA_PG_URL!));
    auth = await AuthTestService.start({ AUTH_DATABASE_HOST: '127.0.0.1', AUTH_DATABASE_PORT: String(db.port), AUTH_DATABASE_ACQUIRE_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    db?.restore();
    await auth?.close();
    await db?.close();
    process.env = saved;
  });

  it('gives the runtime user statement, lock and idle-in-transaction timeouts, and not the owner', async () => {
    const [settings] = await auth.query<Record<string, string>>(
      `select current_user as "user", current_setting('statement_timeout') as "statement", current_setting('lock_timeout') as "lock",
              current_setting('idle_in_transaction_session_timeout') as "idle"`,
    );
    expect(settings).toEqual({ user: auth.env.database.runtime.user, statement: '1500ms', lock: '1s', idle: '3s' });
    const owner = new Client(auth.env.database.owner!);
    await owner.connect();
    try {
      expect((await owner.query(`select current_setting('statement_timeout') as "statement"`)).rows[0]).toEqual({ statement: '0' });
    } finally {
      await owner.end();
    }
  });

  it('cancels a statement that runs past the timeout', async () => {
    const started = Date.now();
    await expect(auth.query('select pg_sleep(5)')).rejects.toThrow(/statement timeout/);
    expect(Date.now() - started).toBeLessThan(4_500);
  });

  it('answers 503 problem+json soon while its database is away, and serves again when it is back', async () => {
    const { email, password } = await auth.newUser();
    const { accessToken } = await auth.login(email, password);
    expect((await auth.call('GET', '/me', { token: accessToken })).status).toBe(200);

    db.cut();
    const started = Date.now();
    const away = await auth.call('GET', '/me', { token: accessToken });
    expect(away).toMatchObject({ status: 503, body: { status: 503, code: 'DATABASE.UNAVAILABLE' } });
    expect(away.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(away.headers.get('retry-after')).toBe('5');
    // The pool waits 1 s for a connection; far below the 30 s a client would otherwise hang.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await fetch(`${auth.svc.url}/health/ready`)).status).toBe(503);

    db.restore();
    let back = 0;
    for (const deadline = Date.now() + 20_000; back !== 200 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      back = (await auth.call('GET', '/me', { token: accessToken })).status;
    }
    expect(back).toBe(200);
  });
});
