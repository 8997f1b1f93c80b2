import type { RawData, WebSocket } from 'ws';
import type { Logger } from 'pino';
import { InvalidTokenError, JwksUnavailableError, type SessionRevocations } from '@alphintra/platform-auth';
import type { TokenVerifier } from '../routing/authenticate.hook';
import { expiryMsOf } from '../routing/verified-tokens';
import { StreamClient, type CloseCause } from './stream-client';
import type { StreamHub } from './stream.hub';
import { countClosed, countConnections } from './stream.metrics';
import { CLOSE, clientMessage, frame, type ClientMessage } from './stream.protocol';
import type { UpdateJournal } from './update-journal';

export interface SessionLimits {
  authTimeoutMs: number;
  heartbeatMs: number;
  maxBufferedBytes: number;
  maxConnections: number;
  /** Tokens are accepted this long past their `exp`, as on HTTP. */
  clockSkewMs: number;
}

export interface StreamSessionsOptions {
  hub: StreamHub;
  journal: UpdateJournal;
  verifier: TokenVerifier;
  revocations: Pick<SessionRevocations, 'assertActive'>;
  limits: SessionLimits;
  logger: Logger;
}

/** Messages of one client waiting behind a token check; a client that sends more at once is refused. */
const MAX_QUEUED_MESSAGES = 32;

/**
 * The life of each socket: `auth` first (within `authTimeoutMs`), then subscriptions; its token
 * checked every second (expired or revoked: 4001), a ping every `heartbeatMs` (no pong by the next
 * one: the socket is destroyed). A new `auth` with a fresh token of the same user extends it.
 */
export class StreamSessions {
  private readonly clients = new Set<StreamClient>();
  private readonly queued = new WeakMap<StreamClient, { chain: Promise<void>; count: number }>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly uncount: () => void;

  constructor(private readonly o: StreamSessionsOptions) {
    this.uncount = countConnections(() => this.clients.size);
    this.timers.push(setInterval(() => this.checkTokens(), 1_000).unref(), setInterval(() => this.heartbeat(), o.limits.heartbeatMs).unref());
  }

  get size(): number {
    return this.clients.size;
  }

  accept(socket: WebSocket): void {
    const c = new StreamClient(socket, this.o.limits.maxBufferedBytes, (client, cause) => this.forget(client, cause));
    if (this.clients.size >= this.o.limits.maxConnections) return c.close(CLOSE.overloaded, 'overloaded', 'the gateway holds all the streams it can; try again later');
    this.clients.add(c);
    const authTimer = setTimeout(() => c.principal || c.close(CLOSE.unauthorized, 'unauthorized', `no auth message within ${this.o.limits.authTimeoutMs} ms`), this.o.limits.authTimeoutMs);
    socket.on('pong', () => (c.alive = true));
    socket.on('message', (raw, isBinary) => this.enqueue(c, raw, isBinary));
    socket.on('error', () => c.terminate());
    socket.on('close', () => {
      clearTimeout(authTimer);
      c.gone();
    });
  }

  /** Closes every socket (1001) and waits a little for the clients to answer; the rest are destroyed. */
  async close(waitMs = 2_000): Promise<void> {
    this.timers.forEach(clearInterval);
    this.uncount();
    const sockets = [...this.clients].map((c) => c.socket);
    for (const c of [...this.clients]) c.close(CLOSE.goingAway, 'shutdown', 'gateway shutting down');
    const closed = sockets.map((s) => (s.readyState === s.CLOSED ? undefined : new Promise((r) => s.once('close', r))));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
    for (const s of sockets) if (s.readyState !== s.CLOSED) s.terminate();
  }

  private forget(c: StreamClient, cause: CloseCause): void {
    if (this.clients.delete(c)) countClosed(cause);
    this.o.hub.leave(c);
  }

  /** One message at a time per client, so a `subscribe` sent right behind `auth` waits for the token check. */
  private enqueue(c: StreamClient, raw: RawData, isBinary: boolean): void {
    c.alive = true;
    const q = this.queued.get(c) ?? { chain: Promise.resolve(), count: 0 };
    this.queued.set(c, q);
    if (++q.count > MAX_QUEUED_MESSAGES) return c.close(1008, 'policy', 'too many messages before the token was checked');
    q.chain = q.chain
      .then(() => (c.closed ? undefined : this.handle(c, raw, isBinary)))
      .catch((err: unknown) => {
        this.o.logger.error({ err }, 'stream message failed');
        c.close(1011, 'error', 'internal error');
      })
      .finally(() => q.count--);
  }

  private async handle(c: StreamClient, raw: RawData, isBinary: boolean): Promise<void> {
    let message: ClientMessage | undefined;
    try {
      message = isBinary ? undefined : clientMessage.parse(JSON.parse(raw.toString()));
    } catch {
      message = undefined;
    }
    if (!c.principal) {
      if (message?.action !== 'auth') return c.close(CLOSE.unauthorized, 'unauthorized', 'the first message must be {"action":"auth","token":...}');
      return this.authenticate(c, message.token);
    }
    if (!message) return c.send(frame('error', { code: 'STREAM.BAD_MESSAGE', detail: 'expected a JSON text message: auth, subscribe or unsubscribe (see /docs)' }));
    if (message.action === 'auth') return this.authenticate(c, message.token);
    if (message.action === 'unsubscribe') return this.o.hub.unsubscribe(c, message);
    const since = message.since;
    if (!this.o.hub.subscribe(c, since ? { ...message, trades: true } : message) || !since) return;
    const frames = this.o.journal.since(c.userId!, since);
    c.send(
      frame(
        'resume',
        frames ? { since, available: true, replayed: frames.length } : { since, available: false, detail: 'updates after this event are no longer held here; read GET /api/v1/orders for the current state' },
      ),
    );
    for (const f of frames ?? []) c.send(f);
  }

  private async authenticate(c: StreamClient, token: string): Promise<void> {
    try {
      const principal = await this.o.verifier.verify(token);
      this.o.revocations.assertActive(principal);
      if (c.principal && c.principal.userId !== principal.userId) throw new InvalidTokenError('a stream speaks for one user; open another for this token');
      const first = !c.principal;
      c.principal = principal;
      c.expiresAt = expiryMsOf(token) + this.o.limits.clockSkewMs;
      if (c.closed || (first && !this.o.hub.join(c))) return;
      c.send(frame('authorized', { userId: principal.userId, expiresAt: new Date(c.expiresAt).toISOString() }));
    } catch (err) {
      if (err instanceof JwksUnavailableError) return c.close(CLOSE.overloaded, 'overloaded', 'access tokens cannot be verified right now; try again later');
      if (!(err instanceof InvalidTokenError)) throw err;
      c.close(CLOSE.unauthorized, 'unauthorized', err.message);
    }
  }

  private checkTokens(): void {
    const now = Date.now();
    for (const c of [...this.clients]) {
      if (!c.principal) continue;
      if (now > c.expiresAt) {
        c.close(CLOSE.unauthorized, 'unauthorized', 'token expired; send auth with a fresh token before it does');
        continue;
      }
      try {
        this.o.revocations.assertActive(c.principal);
      } catch (err) {
        c.close(CLOSE.unauthorized, 'unauthorized', (err as Error).message);
      }
    }
  }

  private heartbeat(): void {
    for (const c of [...this.clients]) {
      if (!c.alive) {
        c.terminate();
        continue;
      }
      c.alive = false;
      c.socket.ping();
    }
  }
}
