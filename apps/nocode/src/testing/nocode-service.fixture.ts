import { MikroORM } from '@mikro-orm/postgresql';
import type { EventContract, EventData } from '@alphintra/contracts';
import { newEvent, toHeaders } from '@alphintra/platform-messaging';
import { startTestService, testKafka, TestTokenIssuer, uniqueId, type TestService } from '@alphintra/testing';
import { AppModule, spec } from '../app.module';
import { loadEnv, type NocodeEnv } from '../env';

const SOURCES: Record<string, string> = { strategy: '/alphintra/strategy' };

/** Answers are inspected by shape in tests, as a client reading JSON would. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Answer<T = Json> {
  status: number;
  body: T;
  contentType: string | null;
}

/** Every table of nocode_data, for "nothing was written" checks; the relay marking outbox rows sent is not a write of ours. */
const TABLES = ['template', 'workflow', 'workflow_version', 'execution', 'inbox'];
const ROWS = [...TABLES.map((t) => [t, `select x::text as r from "nocode_data"."${t}" x`]), ['outbox', `select "event_id"::text as r from "nocode_data"."outbox"`]];

export interface NocodeServiceFixture {
  svc: TestService<NocodeEnv>;
  /** Publishes an event the way its producer's outbox relay would (CloudEvents headers, subject as key). */
  publish<C extends EventContract>(contract: C, subject: string, data: EventData<C>, o?: { id?: string; time?: Date }): Promise<string>;
  /** Resolves once the consumer committed the event's effect (its inbox row exists). */
  consumed(eventId: string): Promise<void>;
  api<T = Json>(method: string, path: string, o?: { as?: string; body?: unknown; headers?: Record<string, string> }): Promise<Answer<T>>;
  bearer(userId: string): string;
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  /** A digest of every row of every table. */
  snapshot(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A broker that has just started (and is still loading the logs of earlier runs) reports topics
 * created a moment ago as unknown for a while: createTopics' own wait for leaders then fails, and
 * so does a consumer subscribing, which stops the service's start. Wait until a new topic is
 * listed at once, once per test file.
 */
async function kafkaSettled(): Promise<void> {
  const admin = testKafka('nocode-service-test-probe').admin();
  await admin.connect();
  try {
    const end = Date.now() + 90_000;
    for (;;) {
      const topic = `${uniqueId()}.probe`;
      await admin.createTopics({ waitForLeaders: false, topics: [{ topic, numPartitions: 1, replicationFactor: 1 }] });
      const created = Date.now();
      await until('Kafka to list a new topic', () => admin.fetchTopicMetadata({ topics: [topic] }).then(() => true, () => false), 90_000);
      if (Date.now() - created < 250 || Date.now() > end) return;
    }
  } finally {
    await admin.disconnect();
  }
}

export async function startNocodeService(extraEnv: Record<string, string> = {}): Promise<NocodeServiceFixture> {
  await kafkaSettled();
  const issuer = await TestTokenIssuer.start();
  const svc = await startTestService(spec, AppModule, loadEnv, { ...issuer.env, ...extraEnv });
  const producer = testKafka('nocode-service-test').producer();
  await producer.connect();
  const sql = <T>(query: string, params: unknown[] = []) => svc.app.get(MikroORM).em.fork().execute<T[]>(query, params);
  const tokens = new Map<string, string>();
  const bearer = (userId: string) => tokens.get(userId) ?? tokens.set(userId, issuer.bearer({ userId }).authorization).get(userId)!;

  return {
    svc,
    sql,
    bearer,
    publish: async (contract, subject, data, o = {}) => {
      const event = newEvent(contract, SOURCES[contract.type.split('.')[0]!] ?? '/alphintra/test', subject, data, o);
      await producer.send({ topic: svc.inst.topicPrefix + contract.topic, acks: -1, messages: [{ key: subject, value: JSON.stringify(event.data), headers: toHeaders(event) }] });
      return event.id;
    },
    consumed: (eventId) => until(`event ${eventId} to be consumed`, async () => (await sql(`select 1 from "nocode_data"."inbox" where "event_id" = ?`, [eventId])).length > 0),
    api: async (method, path, o = {}) => {
      const headers: Record<string, string> = { ...(o.as && { authorization: bearer(o.as) }), ...o.headers };
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(svc.url + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, contentType: res.headers.get('content-type') };
    },
    snapshot: async () => {
      const digests = await Promise.all(
        ROWS.map(async ([t, rows]) => [t!, (await sql<{ d: string }>(`select md5(coalesce(string_agg(r, '|' order by r), '')) as d from (${rows}) x`))[0]!.d] as const),
      );
      return Object.fromEntries(digests);
    },
    close: async () => {
      await producer.disconnect();
      await svc.close();
      await issuer.close();
    },
  };
}
