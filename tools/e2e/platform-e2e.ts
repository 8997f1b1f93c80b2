import type { ChildProcess } from 'node:child_process';
import { availablePort, startLocalKafka, startLocalPostgres, type KafkaServer, type PostgresServer } from '@alphintra/devinfra';
import { envOf, newSecrets, prepare, startApp, waitReady, type AppName, type LocalSecrets, type PlatformEnv } from '@alphintra/devstack';
import type { Topology } from '@alphintra/platform-database';
import { captureLog, registerSecret, registerSecrets, testInfra, uniqueId, type LogCapture } from '@alphintra/testing';

export const ADMIN = { email: 'admin@e2e.alphintra.test', password: 'admin-password-e2e-123' };

export interface E2ePlatform {
  url: string;
  /** SIGKILLs an app and starts it again once it is gone (a crash and a restart). */
  crash(app: AppName): Promise<void>;
  /** Restarts Kafka (only with a Kafka of its own). */
  restartKafka(): Promise<void>;
  /** Stops Kafka until startKafka (only with a Kafka of its own): an outage. */
  stopKafka(): Promise<void>;
  startKafka(): Promise<void>;
  /** Each app's own port (its /metrics and /health/ready). */
  ports: Record<AppName, number>;
  /** The cluster (admin connection) and the installation's secrets, for ops commands. */
  postgres: PostgresServer;
  secrets: LocalSecrets;
  /** SIGTERMs every app and waits until all are gone; PostgreSQL and Kafka keep running. */
  stopApps(): Promise<void>;
  /** Deploys again as a release does (provision, migrations) on `topology`, and starts the apps. */
  startApps(topology: Topology): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Some of the apps as real processes from the build, on a PostgreSQL cluster of their own and
 * the run's Kafka, with a small demo data set; `url` is the gateway.
 */
export async function startE2ePlatform(
  name: string,
  pgPort: number,
  firstPort: number,
  apps: AppName[],
  /** `appEnv`: variables for one app's process only, over everything else (not for provisioning or migrations) */
  o: { ownKafkaPort?: number; env?: Record<string, string>; topology?: Topology; appEnv?: Partial<Record<AppName, Record<string, string>>> } = {},
): Promise<E2ePlatform> {
  // `ALPHINTRA_E2E_PORTS=<pgPort>,<firstPort>` moves a spec off its ports (two checkouts on one machine; then one spec at a time)
  const moved = process.env.ALPHINTRA_E2E_PORTS?.split(',').map(Number);
  if (moved?.length === 2) [pgPort, firstPort] = moved as [number, number];
  // the cluster's ports are private to the platform, so a taken one (an ephemeral port of some connection) is swapped for a free one
  const pg: PostgresServer = await startLocalPostgres({ name, port: await availablePort(pgPort), durable: false, fresh: true });
  const kafka: KafkaServer | undefined = o.ownKafkaPort ? await startLocalKafka({ name, port: await availablePort(o.ownKafkaPort), fresh: true }) : undefined;
  const ports = Object.fromEntries(
    (['gateway', 'auth', 'user', 'strategy', 'trading', 'risk', 'broker', 'nocode', 'notification'] as AppName[]).map((a, i) => [a, firstPort + i]),
  ) as Record<AppName, number>;
  const secrets = newSecrets();
  registerSecrets(secrets);
  registerSecret(ADMIN.password);
  const p: PlatformEnv = {
    infra: { mode: 'local', postgres: pg, kafka: { brokers: kafka?.brokers ?? testInfra().brokers }, stop: async () => undefined },
    topology: o.topology ?? 'separate',
    secrets,
    topicPrefix: `${uniqueId()}.`,
    ports,
    demo: { instruments: 20, years: 1 },
    // info: one access-log line per request, which the log scan reads (ADR 0004)
    extra: { LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info', AUTH_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, AUTH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, ...o.env },
  };
  const children = new Map<AppName, ChildProcess>();
  // every app's log lines go to .local/test-results/logs/<name>.<app>.log for make test's log scan; E2E_LOGS=1 also shows them
  const logs = new Map<AppName, LogCapture>();
  const logOf = (a: AppName) => logs.get(a) ?? logs.set(a, captureLog(`${name}.${a}`)).get(a)!;
  // the last lines of each app, for the error when one does not come back
  const tails = new Map<AppName, string[]>();
  const keep = (a: AppName, l: string) => {
    const t = tails.get(a) ?? tails.set(a, []).get(a)!;
    t.push(l);
    if (t.length > 40) t.shift();
  };
  const start = (a: AppName) =>
    children.set(a, startApp(a, { ...envOf(a, p), ...o.appEnv?.[a] }, apps.indexOf(a), (l) => void (process.env.E2E_LOGS && process.stdout.write(l)), (l) => (logOf(a).write(l), keep(a, l))));
  const ready = async (a: AppName, timeoutMs = 90_000) => {
    try {
      await waitReady(`http://127.0.0.1:${ports[a]}/health/ready`, timeoutMs);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n${a}'s last log lines:\n${(tails.get(a) ?? []).join('')}`);
    }
  };
  const stopApps = async () => {
    await Promise.all([...children.values()].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode ? r(null) : (c.once('exit', r), c.kill('SIGTERM'))))));
  };
  const stopAll = async () => {
    await stopApps();
    logs.forEach((l) => l.close());
    await pg.stop();
    await kafka?.stop();
  };
  try {
    await prepare(p, () => undefined);
    apps.forEach(start);
    await Promise.all(apps.map((a) => ready(a)));
  } catch (e) {
    await stopAll();
    throw e;
  }
  return {
    url: `http://127.0.0.1:${ports.gateway}`,
    crash: async (a) => {
      const child = children.get(a)!;
      await new Promise((r) => (child.once('exit', r), child.kill('SIGKILL')));
      const restarted = start(a).get(a)!;
      let onExit!: (code: number | null) => void;
      const died = new Promise<never>((_, reject) => (onExit = (code) => reject(new Error(`${a} exited with ${code} while restarting`))));
      died.catch(() => undefined);
      restarted.once('exit', onExit);
      try {
        // a restart competes for the CPU with the load the fault tests put on the platform
        await Promise.race([ready(a, 180_000), died]);
      } finally {
        restarted.off('exit', onExit);
      }
    },
    restartKafka: async () => {
      if (!kafka) throw new Error('this platform shares the run\'s Kafka; pass ownKafkaPort to restart one');
      await kafka.restart();
    },
    stopKafka: async () => {
      if (!kafka) throw new Error('this platform shares the run\'s Kafka; pass ownKafkaPort to stop one');
      await kafka.stop();
    },
    // restart() of a stopped broker only launches it again, with its data
    startKafka: async () => {
      if (!kafka) throw new Error('this platform shares the run\'s Kafka; pass ownKafkaPort to start one');
      await kafka.restart();
    },
    ports,
    postgres: pg,
    secrets,
    stopApps,
    startApps: async (topology) => {
      p.topology = topology;
      await prepare({ ...p, demo: undefined }, () => undefined);
      apps.forEach(start);
      await Promise.all(apps.map((a) => ready(a)));
    },
    stop: stopAll,
  };
}

export interface Answer {
  status: number;
  body: Record<string, unknown> & { items?: Record<string, unknown>[] };
  headers: Headers;
}

/** Records every password, token, secret or API key in a request or answer body for the log scan. */
function registerCredentials(value: unknown, key = ''): void {
  if (typeof value === 'string') {
    if (/password|token|secret|apikey/i.test(key)) registerSecret(value);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) registerCredentials(v, k);
  }
}

/** A JSON call to the gateway. */
export async function call(base: string, method: string, path: string, o: { token?: string; body?: unknown } = {}): Promise<Answer> {
  registerCredentials(o.body);
  registerSecret(o.token);
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
    body: o.body !== undefined ? JSON.stringify(o.body) : undefined,
  });
  const text = await r.text();
  const body = text ? JSON.parse(text) : {};
  registerCredentials(body);
  return { status: r.status, body, headers: r.headers };
}

export async function eventually<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
