import { randomUUID } from 'node:crypto';
import type { DynamicModule, Type } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { EventContract, EventData } from '@alphintra/contracts';
import { schemaOf } from '@alphintra/platform-database';
import type { ServiceEnv, ServiceSpec } from '@alphintra/platform-http';
import { fromMessage, newEvent, toHeaders, type CloudEvent } from '@alphintra/platform-messaging';
import { testKafka } from './infra';
import { startTestService, type TestService } from './service';
import { TestTokenIssuer, type TestPrincipal } from './token-issuer';

/** Answers are inspected by shape in tests, as a client reading JSON would. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
type Role = NonNullable<TestPrincipal['roles']>[number];

export interface Answer<T = Json> {
  status: number;
  body: T;
  contentType: string | null;
}

export interface ServiceFixture<E extends ServiceEnv> {
  svc: TestService<E>;
  /** Publishes an event the way its producer's outbox relay would (CloudEvents headers, subject as key). */
  publish<C extends EventContract>(contract: C, subject: string, data: EventData<C>, o?: { id?: string; time?: Date }): Promise<string>;
  /** Resolves once the service's consumer committed the event's effect (its inbox row exists). */
  consumed(eventId: string): Promise<void>;
  /** Collects every event published on these topics (of the service's installation). */
  watch(...topics: string[]): Promise<CloudEvent[]>;
  api<T = Json>(method: string, path: string, o?: { as?: string; roles?: Role[]; body?: unknown; headers?: Record<string, string> }): Promise<Answer<T>>;
  bearer(userId: string, roles?: Role[]): string;
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  /** The sum of a Prometheus metric's samples on the service's `/metrics` whose labels include these; undefined when there is none. */
  metric(name: string, labels?: Record<string, string>): Promise<number | undefined>;
  /** A digest of every row of the given tables (and the outbox's event ids), for "nothing was written". */
  snapshot(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** Sums the samples of `name` in a Prometheus text exposition whose labels include `labels`. */
export function metricValue(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const samples = exposition
    .split('\n')
    .map((l) => /^([\w:]+)(?:\{(.*)\})? (\S+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === name)
    .filter((m) => {
      const has = new Map([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
      return Object.entries(labels).every(([k, v]) => has.get(k) === v);
    });
  return samples.length ? samples.reduce((n, m) => n + Number(m[3]), 0) : undefined;
}

export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The producing service of an event type's domain (marketdata is strategy's). */
const sourceOf = (type: string): string => `/alphintra/${type.startsWith('marketdata.') ? 'strategy' : type.split('.')[0]}`;

/**
 * A service started by `startTestService`, with a token issuer standing in for auth, a producer
 * for its input events, watchers of its output, and direct SQL for what the API does not show.
 */
export async function startServiceFixture<E extends ServiceEnv>(o: {
  spec: ServiceSpec;
  module: Type | DynamicModule;
  loadEnv: (source: NodeJS.ProcessEnv) => E;
  tables: string[];
  extraEnv?: Record<string, string>;
}): Promise<ServiceFixture<E>> {
  const schema = schemaOf(o.spec.service);
  const issuer = await TestTokenIssuer.start();
  const svc = await startTestService(o.spec, o.module, o.loadEnv, { ...issuer.env, ...o.extraEnv });
  const kafka = testKafka(`${o.spec.service}-service-test`);
  const producer = kafka.producer();
  await producer.connect();
  const watchers: { disconnect(): Promise<void> }[] = [];
  const sql = <T>(query: string, params: unknown[] = []) => svc.app.get(MikroORM).em.fork().execute<T[]>(query, params);
  // one token per user and roles, so a test can compare what a service forwarded
  const tokens = new Map<string, string>();
  const bearer = (userId: string, roles: Role[] = ['trader']) => {
    const key = `${userId}:${roles.join(',')}`;
    return tokens.get(key) ?? tokens.set(key, issuer.bearer({ userId, roles }).authorization).get(key)!;
  };
  const rows = [...o.tables.map((t) => [t, `select x::text as r from "${schema}"."${t}" x`]), ['outbox', `select "event_id"::text as r from "${schema}"."outbox"`]];

  return {
    svc,
    sql,
    bearer,
    publish: async (contract, subject, data, opts = {}) => {
      const event = newEvent(contract, sourceOf(contract.type), subject, data, opts);
      await producer.send({ topic: svc.inst.topicPrefix + contract.topic, acks: -1, messages: [{ key: subject, value: JSON.stringify(event.data), headers: toHeaders(event) }] });
      return event.id;
    },
    consumed: (eventId) => until(`event ${eventId} to be consumed`, async () => (await sql(`select 1 from "${schema}"."inbox" where "event_id" = ?`, [eventId])).length > 0),
    watch: async (...topics) => {
      const seen: CloudEvent[] = [];
      const consumer = kafka.consumer({ groupId: `watch-${randomUUID()}` });
      await consumer.connect();
      await consumer.subscribe({ topics: topics.map((t) => svc.inst.topicPrefix + t), fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(fromMessage(message)) });
      watchers.push(consumer);
      return seen;
    },
    api: async (method, path, opts = {}) => {
      const headers: Record<string, string> = { ...(opts.as && { authorization: bearer(opts.as, opts.roles) }), ...opts.headers };
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(svc.url + path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, contentType: res.headers.get('content-type') };
    },
    metric: async (name, labels) => metricValue(await (await fetch(`${svc.url}/metrics`)).text(), name, labels),
    snapshot: async () => {
      const digests = await Promise.all(
        rows.map(async ([t, q]) => [t!, (await sql<{ d: string }>(`select md5(coalesce(string_agg(r, '|' order by r), '')) as d from (${q}) x`))[0]!.d] as const),
      );
      return Object.fromEntries(digests);
    },
    close: async () => {
      await Promise.all(watchers.map((w) => w.disconnect()));
      await producer.disconnect();
      await svc.close();
      await issuer.close();
    },
  };
}
