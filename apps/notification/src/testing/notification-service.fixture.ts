import { MikroORM } from '@mikro-orm/postgresql';
import type { EventContract, EventData } from '@alphintra/contracts';
import { createKafka, newEvent, toHeaders } from '@alphintra/platform-messaging';
import { registerSecret, startTestService, TestTokenIssuer, until, type TestService } from '@alphintra/testing';
import { AppModule, spec } from '../app.module';
import { loadEnv, type NotificationEnv } from '../env';
import { SmtpReceiver } from './smtp-receiver';

const SOURCES: Record<string, string> = { auth: '/alphintra/auth', user: '/alphintra/user', strategy: '/alphintra/strategy', trading: '/alphintra/trading' };

/** Answers are inspected by shape in tests, as a client reading JSON would. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Answer<T = Json> {
  status: number;
  body: T;
}

export interface NotificationServiceFixture {
  svc: TestService<NotificationEnv>;
  /** A real SMTP server in a child process, requiring the user and password of SMTP_URL. */
  smtp: SmtpReceiver;
  /** Publishes an event the way its producer's outbox relay would (CloudEvents headers, subject as key); answers its id. */
  publish<C extends EventContract>(contract: C, subject: string, data: EventData<C>, o?: { id?: string }): Promise<string>;
  /** Resolves once the consumer committed the event's effect (its inbox row exists). */
  consumed(eventId: string): Promise<void>;
  api<T = Json>(method: string, path: string, o?: { as?: string; body?: unknown }): Promise<Answer<T>>;
  bearer(userId: string): Record<string, string>;
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export { until };

export async function startNotificationService(extraEnv: Record<string, string> = {}): Promise<NotificationServiceFixture> {
  const smtp = await SmtpReceiver.start();
  const issuer = await TestTokenIssuer.start();
  registerSecret(extraEnv.NOTIFICATION_WEBHOOK_SECRET);
  const svc = await startTestService(spec, AppModule, loadEnv, { ...issuer.env, SMTP_URL: smtp.url(), NOTIFICATION_WEBHOOK_ALLOW_PRIVATE: 'true', ...extraEnv }).catch(
    async (e: unknown) => {
      await Promise.all([issuer.close(), smtp.close()]); // the receiver process would keep Jest from exiting
      throw e;
    },
  );
  const producer = createKafka({ brokers: svc.env.KAFKA_BROKERS, clientId: 'notification-service-test' }).producer();
  await producer.connect();
  const sql = <T>(query: string, params: unknown[] = []) => svc.app.get(MikroORM).em.fork().execute<T[]>(query, params);
  const bearer = (userId: string) => issuer.bearer({ userId, roles: ['trader'] });
  return {
    svc,
    smtp,
    sql,
    bearer,
    publish: async (contract, subject, data, o = {}) => {
      const event = newEvent(contract, SOURCES[contract.type.split('.')[0]!] ?? '/alphintra/test', subject, data, o);
      await producer.send({ topic: svc.inst.topicPrefix + contract.topic, acks: -1, messages: [{ key: subject, value: JSON.stringify(event.data), headers: toHeaders(event) }] });
      return event.id;
    },
    consumed: (eventId) => until(`event ${eventId} to be consumed`, async () => (await sql(`select 1 from "notification_data"."inbox" where "event_id" = ?`, [eventId])).length > 0),
    api: async (method, path, o = {}) => {
      const headers: Record<string, string> = o.as ? bearer(o.as) : {};
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(svc.url + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    close: async () => {
      await producer.disconnect();
      await svc.close();
      await issuer.close();
      await smtp.close();
    },
  };
}
