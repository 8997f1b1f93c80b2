import type { ChildProcess } from 'node:child_process';
import { startLocalKafka, startLocalPostgres, type KafkaServer, type PostgresServer } from '@alphintra/devinfra';
import { envOf, newSecrets, prepare, startApp, waitReady, type AppName, type PlatformEnv } from '@alphintra/devstack';
import { testInfra, uniqueId } from '@alphintra/testing';

export const ADMIN = { email: 'admin@e2e.alphintra.test', password: 'admin-password-e2e-123' };

export interface E2ePlatform {
  url: string;
  /** SIGKILLs an app and starts it again once it is gone (a crash and a restart). */
  crash(app: AppName): Promise<void>;
  /** Restarts Kafka (only with a Kafka of its own). */
  restartKafka(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Some of the apps as real processes from the build, on a PostgreSQL cluster of their own and
 * the run's Kafka, with a small demo data set; `url` is the gateway.
 */
export async function startE2ePlatform(name: string, pgPort: number, firstPort: number, apps: AppName[], o: { ownKafkaPort?: number; env?: Record<string, string> } = {}): Promise<E2ePlatform> {
  const pg: PostgresServer = await startLocalPostgres({ name, port: pgPort, durable: false, fresh: true });
  const kafka: KafkaServer | undefined = o.ownKafkaPort ? await startLocalKafka({ name, port: o.ownKafkaPort, fresh: true }) : undefined;
  const ports = Object.fromEntries(
    (['gateway', 'auth', 'user', 'strategy', 'trading', 'risk', 'broker', 'nocode', 'notification'] as AppName[]).map((a, i) => [a, firstPort + i]),
  ) as Record<AppName, number>;
  const p: PlatformEnv = {
    infra: { mode: 'local', postgres: pg, kafka: { brokers: kafka?.brokers ?? testInfra().brokers }, stop: async () => undefined },
    topology: 'separate',
    secrets: newSecrets(),
    topicPrefix: `${uniqueId()}.`,
    ports,
    demo: { instruments: 20, years: 1 },
    extra: { LOG_LEVEL: 'warn', AUTH_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, AUTH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, ...o.env },
  };
  const children = new Map<AppName, ChildProcess>();
  const start = (a: AppName) => children.set(a, startApp(a, envOf(a, p), apps.indexOf(a), (l) => void (process.env.E2E_LOGS && process.stdout.write(l))));
  const ready = (a: AppName) => waitReady(`http://127.0.0.1:${ports[a]}/health/ready`, 90_000);
  const stopAll = async () => {
    await Promise.all([...children.values()].map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode ? r(null) : (c.once('exit', r), c.kill('SIGTERM'))))));
    await pg.stop();
    await kafka?.stop();
  };
  try {
    await prepare(p, () => undefined);
    apps.forEach(start);
    await Promise.all(apps.map(ready));
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
        await Promise.race([ready(a), died]);
      } finally {
        restarted.off('exit', onExit);
      }
    },
    restartKafka: async () => {
      if (!kafka) throw new Error('this platform shares the run\'s Kafka; pass ownKafkaPort to restart one');
      await kafka.restart();
    },
    stop: stopAll,
  };
}

export interface Answer {
  status: number;
  body: Record<string, unknown> & { items?: Record<string, unknown>[] };
  headers: Headers;
}

/** A JSON call to the gateway. */
export async function call(base: string, method: string, path: string, o: { token?: string; body?: unknown } = {}): Promise<Answer> {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
    body: o.body !== undefined ? JSON.stringify(o.body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : {}, headers: r.headers };
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
