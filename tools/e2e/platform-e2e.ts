import type { ChildProcess } from 'node:child_process';
import { startLocalPostgres, type PostgresServer } from '@alphintra/devinfra';
import { envOf, newSecrets, prepare, startApp, waitReady, type AppName, type PlatformEnv } from '@alphintra/devstack';
import { testInfra, uniqueId } from '@alphintra/testing';

export const ADMIN = { email: 'admin@e2e.alphintra.test', password: 'admin-password-e2e-123' };

export interface E2ePlatform {
  url: string;
  stop(): Promise<void>;
}

/**
 * Some of the apps as real processes from the build, on a PostgreSQL cluster of their own and
 * the run's Kafka, with a small demo data set; `url` is the gateway.
 */
export async function startE2ePlatform(name: string, pgPort: number, firstPort: number, apps: AppName[]): Promise<E2ePlatform> {
  const pg: PostgresServer = await startLocalPostgres({ name, port: pgPort, durable: false, fresh: true });
  const ports = Object.fromEntries(
    (['gateway', 'auth', 'user', 'strategy', 'trading', 'risk', 'broker', 'nocode', 'notification'] as AppName[]).map((a, i) => [a, firstPort + i]),
  ) as Record<AppName, number>;
  const p: PlatformEnv = {
    infra: { mode: 'local', postgres: pg, kafka: { brokers: testInfra().brokers }, stop: async () => undefined },
    topology: 'separate',
    secrets: newSecrets(),
    topicPrefix: `${uniqueId()}.`,
    ports,
    demo: { instruments: 20, years: 1 },
    extra: { LOG_LEVEL: 'warn', AUTH_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, AUTH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password },
  };
  const children: ChildProcess[] = [];
  try {
    await prepare(p, () => undefined);
    apps.forEach((a, i) => children.push(startApp(a, envOf(a, p), i, (l) => void (process.env.E2E_LOGS && process.stdout.write(l)))));
    await Promise.all(apps.map((a) => waitReady(`http://127.0.0.1:${ports[a]}/health/ready`, 90_000)));
  } catch (e) {
    children.forEach((c) => c.kill('SIGKILL'));
    await pg.stop();
    throw e;
  }
  return {
    url: `http://127.0.0.1:${ports.gateway}`,
    stop: async () => {
      await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : (c.once('exit', r), c.kill('SIGTERM'))))));
      await pg.stop();
    },
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
