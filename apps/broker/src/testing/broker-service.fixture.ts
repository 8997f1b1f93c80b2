import { randomBytes, randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MikroORM } from '@mikro-orm/postgresql';
import { TOPICS, type EventContract, type EventData } from '@alphintra/contracts';
import { migrateService } from '@alphintra/platform-database';
import { createServiceApp } from '@alphintra/platform-http';
import { createKafka, fromMessage, newEvent, toHeaders, type CloudEvent } from '@alphintra/platform-messaging';
import {
  createTestTopics,
  provisionTestInstallation,
  registerSecret,
  registerSecrets,
  TestTokenIssuer,
  until,
  type TestInstallation,
  type TestPrincipal,
} from '@alphintra/testing';
import { AppModule, spec } from '../app.module';
import { loadEnv, type BrokerEnv } from '../env';

const SOURCES: Record<string, string> = { trading: '/alphintra/trading', marketdata: '/alphintra/strategy' };

/** Answers are inspected by shape in tests, as a client reading JSON would. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Answer<T = Json> {
  status: number;
  body: T;
  text: string;
}

type Role = NonNullable<TestPrincipal['roles']>[number];

export type Execution = {
  executionId: string;
  orderId: string;
  userId: string;
  kind: string;
  quantity: string | null;
  price: string | null;
  cumulativeQuantity: string;
  leavesQuantity: string;
  reason: string | null;
  venue: string;
};

export interface BrokerServiceFixture {
  app: NestFastifyApplication;
  url: string;
  env: BrokerEnv;
  inst: TestInstallation;
  publish<C extends EventContract>(contract: C, subject: string, data: EventData<C>, o?: { id?: string; time?: Date }): Promise<string>;
  consumed(eventId: string): Promise<void>;
  /** broker.execution.reported events seen on the installation's topic so far. */
  executionEvents: CloudEvent[];
  /** broker.reconciliation.requested events seen so far. */
  reconciliationRequests: CloudEvent[];
  executionsFor(orderId: string, n?: number): Promise<Execution[]>;
  api<T = Json>(method: string, path: string, o?: { as?: string; roles?: Role[]; body?: unknown }): Promise<Answer<T>>;
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  /** Closes the app and starts it again on the same database and topics (same consumer group). */
  restart(extraEnv?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export { until };

/** A key-encryption key, recorded for the log scan. */
export const testKek = () => {
  const kek = randomBytes(32).toString('base64');
  registerSecret(kek);
  return kek;
};

export async function startBrokerService(extraEnv: Record<string, string> = {}): Promise<BrokerServiceFixture> {
  const issuer = await TestTokenIssuer.start();
  const inst = await provisionTestInstallation('separate', ['broker']);
  await createTestTopics(inst.topicPrefix);
  registerSecret(extraEnv.BROKER_KEK, extraEnv.BROKER_KEK_PREVIOUS);
  // tests run at any hour: the venue is always open unless a test asks for XNYS sessions (and sets its clock)
  const baseEnv = { ...inst.envFor('broker'), PORT: '1', ...issuer.env, BROKER_KEK: testKek(), BROKER_PAPER_HOURS: 'always', ...extraEnv };
  let env = loadEnv(baseEnv);
  await migrateService({ ...spec, connection: env.database.owner! });

  const boot = async (e: BrokerEnv) => {
    const app = await createServiceApp(spec, AppModule, e);
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    return { app, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
  };
  let running = await boot(env);

  const kafka = createKafka({ brokers: env.KAFKA_BROKERS, clientId: 'broker-service-test' });
  const producer = kafka.producer();
  await producer.connect();
  const executionEvents: CloudEvent[] = [];
  const consumer = kafka.consumer({ groupId: `broker-test-${randomUUID()}` });
  await consumer.connect();
  const reconciliationRequests: CloudEvent[] = [];
  await consumer.subscribe({ topics: [inst.topicPrefix + TOPICS.brokerExecution, inst.topicPrefix + TOPICS.brokerReconciliation], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => void (topic === inst.topicPrefix + TOPICS.brokerExecution ? executionEvents : reconciliationRequests).push(fromMessage(message)),
  });

  const sql = <T>(q: string, params: unknown[] = []) => running.app.get(MikroORM).em.fork().execute<T[]>(q, params);
  const f: BrokerServiceFixture = {
    get app() {
      return running.app;
    },
    get url() {
      return running.url;
    },
    get env() {
      return env;
    },
    inst,
    sql,
    executionEvents,
    reconciliationRequests,
    executionsFor: async (orderId, n = 1) => {
      const of = () => executionEvents.filter((e) => (e.data as Execution).orderId === orderId).map((e) => e.data as Execution);
      await until(`${n} execution report(s) of order ${orderId}`, () => of().length >= n);
      return of();
    },
    publish: async (contract, subject, data, o = {}) => {
      const event = newEvent(contract, SOURCES[contract.type.split('.')[0]!] ?? '/alphintra/test', subject, data, o);
      await producer.send({ topic: inst.topicPrefix + contract.topic, acks: -1, messages: [{ key: subject, value: JSON.stringify(event.data), headers: toHeaders(event) }] });
      return event.id;
    },
    consumed: (eventId) => until(`event ${eventId} to be consumed`, async () => (await sql(`select 1 from "broker_data"."inbox" where "event_id" = ?`, [eventId])).length > 0),
    api: async (method, path, o = {}) => {
      registerSecrets((o.body as { credentials?: unknown } | undefined)?.credentials);
      const headers: Record<string, string> = o.as ? issuer.bearer({ userId: o.as, roles: o.roles ?? ['trader'] }) : {};
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(running.url + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
    },
    restart: async (more = {}) => {
      registerSecret(more.BROKER_KEK, more.BROKER_KEK_PREVIOUS);
      await running.app.close();
      env = loadEnv({ ...baseEnv, ...more });
      running = await boot(env);
    },
    close: async () => {
      await consumer.disconnect();
      await producer.disconnect();
      await running.app.close();
      await inst.drop();
      await issuer.close();
    },
  };
  return f;
}
