import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MikroORM } from '@mikro-orm/postgresql';
import { fromMessage, type CloudEvent } from '@alphintra/platform-messaging';
import { registerSecret, startTestService, testKafka, uniqueId, type TestService } from '@alphintra/testing';
import { AppModule, spec } from '../app.module';
import { loadEnv, type AuthServiceEnv } from '../env';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  /** The client address the service sees (it trusts X-Forwarded-For, as behind the gateway). */
  ip?: string;
}

export const TABLES = ['user_account', 'refresh_token_family', 'refresh_token', 'login_failure', 'audit_log', 'outbox'] as const;

/**
 * The auth service on a private installation. Its own URL is only known once it listens on its
 * random port, so AUTH_JWKS_URL points at a relay that forwards to it.
 */
export class AuthTestService {
  private constructor(
    readonly svc: TestService<AuthServiceEnv>,
    private readonly relay: Server,
  ) {}

  static async start(extraEnv: Record<string, string> = {}): Promise<AuthTestService> {
    let target = '';
    const relay = createServer((req, res) => {
      fetch(`${target}${req.url}`).then(
        async (r) => res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()),
        () => res.writeHead(502).end(),
      );
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    // The revoked-sessions feed is found beside the JWKS, through the relay too.
    const jwksUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}/api/v1/auth/.well-known/jwks.json`;
    const kek = randomBytes(32).toString('base64');
    registerSecret(kek, extraEnv.AUTH_KEY_ENCRYPTION_KEY, extraEnv.AUTH_BOOTSTRAP_ADMIN_PASSWORD);
    const svc = await startTestService(spec, AppModule, loadEnv, {
      AUTH_KEY_ENCRYPTION_KEY: kek,
      AUTH_JWKS_URL: jwksUrl,
      ...extraEnv,
    });
    target = svc.url;
    return new AuthTestService(svc, relay);
  }

  get env(): AuthServiceEnv {
    return this.svc.env;
  }

  async close(): Promise<void> {
    this.relay.closeAllConnections();
    await new Promise((resolve) => this.relay.close(resolve));
    await this.svc.close();
  }

  /** Passwords and tokens sent or answered are recorded for the log scan (`registerSecret`). */
  async call<T = Record<string, unknown>>(method: string, path: string, o: CallOptions = {}): Promise<Reply<T>> {
    const sent = (o.body ?? {}) as Record<string, unknown>;
    registerSecret(o.token, ...[sent.password, sent.refreshToken].filter((v): v is string => typeof v === 'string'));
    const headers: Record<string, string> = { 'x-forwarded-for': o.ip ?? '203.0.113.1' };
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    const r = await fetch(`${this.svc.url}/api/v1/auth${path}`, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
    const text = await r.text();
    const body = text ? JSON.parse(text) : undefined;
    if (body && typeof body === 'object') registerSecret(body.accessToken, body.refreshToken);
    return { status: r.status, headers: r.headers, body };
  }

  post<T = Record<string, unknown>>(path: string, body: unknown, o: Omit<CallOptions, 'body'> = {}) {
    return this.call<T>('POST', path, { ...o, body });
  }

  /** A new account (trader) with a fresh e-mail; returns its credentials and id. */
  async newUser(password = 'correct horse battery'): Promise<{ userId: string; email: string; password: string }> {
    const email = `u-${randomUUID()}@example.com`;
    const r = await this.post<{ userId: string }>('/register', { email, password });
    if (r.status !== 201) throw new Error(`register answered ${r.status}: ${JSON.stringify(r.body)}`);
    return { userId: r.body.userId, email, password };
  }

  async login(email: string, password: string, ip?: string): Promise<TokenPairReply> {
    const r = await this.post<TokenPairReply>('/login', { email, password }, { ip });
    if (r.status !== 200) throw new Error(`login answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.svc.app.get(MikroORM).em.fork().execute<T[]>(sql, params);
  }

  async rowCounts(): Promise<Record<(typeof TABLES)[number], number>> {
    const counts = await Promise.all(TABLES.map(async (t) => [t, (await this.query<{ n: number }>(`select count(*)::int as n from "auth_data"."${t}"`))[0]!.n]));
    return Object.fromEntries(counts);
  }
}

export interface TokenPairReply {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
}

/** Reads a topic from the beginning with a consumer group of its own; `until` waits for matching events. */
export async function readEvents(topic: string) {
  const events: CloudEvent[] = [];
  const consumer = testKafka('auth-test').consumer({ groupId: uniqueId(), maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void events.push(fromMessage(message)) });
  return {
    events,
    async until(match: (e: CloudEvent) => boolean, timeoutMs = 20_000): Promise<CloudEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching event on ${topic} within ${timeoutMs} ms; saw ${events.map((e) => e.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: () => consumer.disconnect(),
  };
}
