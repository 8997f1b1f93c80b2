import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { availablePort, killLocalPostgres, repoRoot, startLocalPostgres, type PostgresServer } from '@alphintra/devinfra';
import { SERVICES } from '@alphintra/platform-database';
import { captureLog, registerSecrets, testInfra, uniqueId, type LogCapture } from '@alphintra/testing';
import { APPS, envOf, newSecrets, prepare, startApp, waitReady, type AppName, type PlatformEnv } from '@alphintra/devstack';

// The apps run as real processes from the build (tools/run.sh builds before testing).
const built = existsSync(join(repoRoot(), 'dist/apps/gateway/src/main.js'));
const PG_NAME = 'health-test';
const ports = Object.fromEntries(APPS.map((a, i) => [a, 18_080 + i])) as Record<AppName, number>;
const ready = (a: AppName) => fetch(`http://127.0.0.1:${ports[a]}/health/ready`, { signal: AbortSignal.timeout(5000) });

describe('the nine apps against real infrastructure', () => {
  let pg: PostgresServer;
  let pgPort: number;
  let p: PlatformEnv;
  const children: ChildProcess[] = [];
  const output: string[] = [];
  const logs: LogCapture[] = [];

  beforeAll(async () => {
    if (!built) throw new Error('dist/ is missing: run `npm run build` first (tools/run.sh test does)');
    // A cluster of its own, because this test stops it.
    pgPort = await availablePort(55_441); // a taken one (some connection's ephemeral port) is swapped for a free one
    pg = await startLocalPostgres({ name: PG_NAME, port: pgPort, durable: false, fresh: true });
    const secrets = newSecrets();
    registerSecrets(secrets);
    p = {
      infra: { mode: 'local', postgres: pg, kafka: { brokers: testInfra().brokers }, stop: async () => undefined },
      topology: 'separate',
      secrets,
      topicPrefix: `${uniqueId()}.`,
      ports,
      extra: { LOG_LEVEL: 'warn' },
    };
    await prepare(p, () => undefined);
    APPS.forEach((a, i) => {
      const log = captureLog(`health-test.${a}`);
      logs.push(log);
      children.push(startApp(a, envOf(a, p), i, (l) => void output.push(l), (l) => log.write(l)));
    });
  });

  afterAll(async () => {
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : (c.once('exit', r), c.kill('SIGTERM'))))));
    await pg?.stop();
    logs.forEach((l) => l.close());
  });

  it('each app answers /health/ready with 200', async () => {
    await Promise.all(APPS.map((a) => waitReady(`http://127.0.0.1:${ports[a]}/health/ready`, 60_000)));
    const statuses = await Promise.all(APPS.map(async (a) => [a, (await ready(a)).status]));
    expect(Object.fromEntries(statuses)).toEqual(Object.fromEntries(APPS.map((a) => [a, 200])));
    const gateway = (await (await fetch(`http://127.0.0.1:${ports.gateway}/health`)).json()) as { status: string };
    expect(gateway.status).toBe('up');
  });

  it('answers 503 naming the database while PostgreSQL is down, and recovers', async () => {
    killLocalPostgres(PG_NAME);
    for (const s of SERVICES) {
      const r = await ready(s);
      const body = (await r.json()) as { checks: Record<string, { status: string }> };
      expect({ s, status: r.status, database: body.checks.database.status, kafka: body.checks.kafka.status }).toEqual({
        s,
        status: 503,
        database: 'down',
        kafka: 'up',
      });
    }
    expect((await fetch(`http://127.0.0.1:${ports.gateway}/health`)).status).toBe(503);
    // /metrics still answers, leaving out what the database cannot tell
    for (const s of SERVICES) {
      const m = await fetch(`http://127.0.0.1:${ports[s]}/metrics`, { signal: AbortSignal.timeout(5000) });
      const text = await m.text();
      expect({ s, status: m.status, http: /^http_request_duration_seconds_count\{/m.test(text), outbox: /^outbox_pending_events\{/m.test(text) }).toEqual({ s, status: 200, http: true, outbox: false });
    }

    pg = await startLocalPostgres({ name: PG_NAME, port: pgPort, durable: false });
    await Promise.all(SERVICES.map((s) => waitReady(`http://127.0.0.1:${ports[s]}/health/ready`, 30_000)));
  });
});

describe('start-up configuration', () => {
  it('refuses to start and names every missing or malformed variable', () => {
    const r = spawnSync(process.execPath, [join(repoRoot(), 'dist/apps/trading/src/main.js')], {
      env: { PATH: process.env.PATH, KAFKA_BROKERS: 'no-port-here', TRADING_DATABASE_PORT: 'five' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const log = captureLog('start-up-config.trading');
    log.write(`${r.stdout}${r.stderr}`);
    log.close();
    expect(r.status).toBe(78);
    expect(r.stderr).toMatch(/KAFKA_BROKERS\.0: expected host:port/);
    expect(r.stderr).toMatch(/TRADING_DATABASE_PORT: /);
    expect(r.stderr).toMatch(/TRADING_DATABASE_PASSWORD: is required/);
  });
});
