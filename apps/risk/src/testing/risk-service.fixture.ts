import { randomUUID } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { TOPICS, type EventContract, type EventData } from '@alphintra/contracts';
import { createKafka, fromMessage, newEvent, toHeaders, type CloudEvent } from '@alphintra/platform-messaging';
import { startTestService, TestTokenIssuer, type TestPrincipal, type TestService } from '@alphintra/testing';
import { AppModule, spec } from '../app.module';
import { loadEnv, type RiskEnv } from '../env';

const SOURCES: Record<string, string> = { trading: '/alphintra/trading', marketdata: '/alphintra/strategy' };

/** Answers are inspected by shape in tests, as a client reading JSON would. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Answer<T = Json> {
  status: number;
  body: T;
}

type Role = NonNullable<TestPrincipal['roles']>[number];

/** Every table of risk_data, for "nothing was written" checks. */
const TABLES = ['risk_limit', 'exposure', 'order_track', 'blacklist_ref', 'risk_assessment', 'compliance_log', 'inbox'];
const ROWS = [...TABLES.map((t) => [t, `select x::text as r from "risk_data"."${t}" x`]), ['outbox', `select "event_id"::text as r from "risk_data"."outbox"`]];

export interface RiskServiceFixture {
  svc: TestService<RiskEnv>;
  /** Publishes an event the way its producer's outbox relay would (CloudEvents headers, subject as key). */
  publish<C extends EventContract>(contract: C, subject: string, data: EventData<C>, o?: { id?: string; time?: Date }): Promise<string>;
  /** Resolves once the consumer committed the event's effect (its inbox row exists). */
  consumed(eventId: string): Promise<void>;
  /** risk.assessment.* events seen on the service's (prefixed) topic so far. */
  assessmentEvents: CloudEvent[];
  eventsFor(orderId: string, n?: number): Promise<CloudEvent[]>;
  api<T = Json>(method: string, path: string, o?: { as?: string; roles?: Role[]; body?: unknown }): Promise<Answer<T>>;
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
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

export async function startRiskService(extraEnv: Record<string, string> = {}): Promise<RiskServiceFixture> {
  const issuer = await TestTokenIssuer.start();
  const svc = await startTestService(spec, AppModule, loadEnv, { ...issuer.env, ...extraEnv });
  const kafka = createKafka({ brokers: svc.env.KAFKA_BROKERS, clientId: 'risk-service-test' });
  const producer = kafka.producer();
  await producer.connect();
  const assessmentEvents: CloudEvent[] = [];
  const consumer = kafka.consumer({ groupId: `risk-test-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: svc.inst.topicPrefix + TOPICS.riskAssessment, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void assessmentEvents.push(fromMessage(message)) });

  const sql = <T>(query: string, params: unknown[] = []) => svc.app.get(MikroORM).em.fork().execute<T[]>(query, params);
  return {
    svc,
    sql,
    assessmentEvents,
    eventsFor: async (orderId, n = 1) => {
      const of = () => assessmentEvents.filter((e) => (e.data as { orderId: string }).orderId === orderId);
      await until(`${n} assessment event(s) of order ${orderId}`, () => of().length >= n);
      return of();
    },
    publish: async (contract, subject, data, o = {}) => {
      const event = newEvent(contract, SOURCES[contract.type.split('.')[0]!] ?? '/alphintra/test', subject, data, o);
      await producer.send({ topic: svc.inst.topicPrefix + contract.topic, acks: -1, messages: [{ key: subject, value: JSON.stringify(event.data), headers: toHeaders(event) }] });
      return event.id;
    },
    consumed: (eventId) => until(`event ${eventId} to be consumed`, async () => (await sql(`select 1 from "risk_data"."inbox" where "event_id" = ?`, [eventId])).length > 0),
    api: async (method, path, o = {}) => {
      const headers: Record<string, string> = o.as ? issuer.bearer({ userId: o.as, roles: o.roles ?? ['trader'] }) : {};
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(svc.url + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    snapshot: async () => {
      const digests = await Promise.all(
        ROWS.map(async ([t, rows]) => [t!, (await sql<{ d: string }>(`select md5(coalesce(string_agg(r, '|' order by r), '')) as d from (${rows}) x`))[0]!.d] as const),
      );
      return Object.fromEntries(digests);
    },
    close: async () => {
      await consumer.disconnect();
      await producer.disconnect();
      await svc.close();
      await issuer.close();
    },
  };
}
