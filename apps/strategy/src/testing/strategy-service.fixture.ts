import { randomUUID } from 'node:crypto';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { TOPICS } from '@alphintra/contracts';
import { fromMessage, type CloudEvent } from '@alphintra/platform-messaging';
import { startTestService, testKafka, TestTokenIssuer, type TestService } from '@alphintra/testing';
import { AppModule, spec } from '../app.module';
import { loadEnv, type StrategyEnv } from '../env';

type Role = 'trader' | 'compliance' | 'admin';

/** Collects every marketdata event the service publishes under its private topic prefix. */
export class EventTap {
  readonly events: CloudEvent[] = [];
  private constructor(private readonly stopConsumer: () => Promise<void>) {}

  static async start(topicPrefix: string): Promise<EventTap> {
    const consumer = testKafka('strategy-test-tap').consumer({ groupId: `${topicPrefix}tap-${randomUUID()}`, maxWaitTimeInMs: 50 });
    await consumer.connect();
    const topics = [TOPICS.marketdataInstrument, TOPICS.marketdataPrice, TOPICS.marketdataBlacklist, TOPICS.marketdataFilter, TOPICS.marketdataQuote, TOPICS.marketdataBar].map((t) => topicPrefix + t);
    try {
      // A busy broker may not yet serve topics it has just created; that error is retriable.
      for (let attempt = 1; ; attempt++) {
        try {
          await consumer.subscribe({ topics, fromBeginning: true });
          break;
        } catch (e) {
          if (attempt >= 10 || !(e as { retriable?: boolean }).retriable) throw e;
          await new Promise((r) => setTimeout(r, 300 * attempt));
        }
      }
      const tap = new EventTap(() => consumer.disconnect());
      await consumer.run({ eachMessage: async ({ message }) => void tap.events.push(fromMessage(message)) });
      return tap;
    } catch (e) {
      await consumer.disconnect();
      throw e;
    }
  }

  of<T = Record<string, unknown>>(type: string): CloudEvent<T>[] {
    return this.events.filter((e) => e.type === type) as CloudEvent<T>[];
  }

  /** The first event of `type` that `match` accepts, waiting for it up to `timeoutMs`. */
  async waitFor<T = Record<string, unknown>>(type: string, match: (data: T) => boolean = () => true, timeoutMs = 30_000): Promise<CloudEvent<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of<T>(type).find((e) => match(e.data));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} event arrived within ${timeoutMs} ms; saw ${this.events.map((e) => e.type).join(', ') || 'none'}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  stop(): Promise<void> {
    return this.stopConsumer();
  }
}

export interface StrategyFixture {
  svc: TestService<StrategyEnv>;
  issuer: TestTokenIssuer;
  tap: EventTap;
  as(role: Role): Record<string, string>;
  /** JSON request as `role`; answers status, content type and parsed body. */
  call<T = any>(role: Role | null, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; type: string | null; body: T }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  em(): EntityManager;
  count(table: string, where?: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export async function startStrategy(extraEnv: Record<string, string> = {}): Promise<StrategyFixture> {
  const issuer = await TestTokenIssuer.start();
  const svc = await startTestService(spec, AppModule, loadEnv, { ...issuer.env, ...extraEnv });
  const tap = await EventTap.start(svc.inst.topicPrefix).catch(async (e: unknown) => {
    await svc.close();
    await issuer.close();
    throw e;
  });
  const users: Record<Role, string> = { trader: randomUUID(), compliance: randomUUID(), admin: randomUUID() };
  const as = (role: Role) => issuer.bearer({ userId: users[role], roles: [role] });
  const em = () => svc.app.get(MikroORM).em.fork() as EntityManager;
  return {
    svc,
    issuer,
    tap,
    as,
    em,
    call: async (role, method, path, body, headers = {}) => {
      const isText = typeof body === 'string';
      const r = await fetch(`${svc.url}${path}`, {
        method,
        headers: { ...(role ? as(role) : {}), ...(body === undefined ? {} : { 'content-type': isText ? 'text/csv' : 'application/json' }), ...headers },
        body: body === undefined ? undefined : isText ? body : JSON.stringify(body),
      });
      const text = await r.text();
      return { status: r.status, type: r.headers.get('content-type'), body: text ? JSON.parse(text) : undefined };
    },
    count: async (table, where = 'true', params = []) => {
      const [row] = await em().execute<{ n: string }[]>(`select count(*)::text as n from "strategy_data"."${table}" where ${where}`, params);
      return Number(row!.n);
    },
    close: async () => {
      await tap.stop();
      await svc.close();
      await issuer.close();
    },
  };
}
