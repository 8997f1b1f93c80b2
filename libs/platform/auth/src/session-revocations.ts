import { z } from 'zod';
import { InvalidTokenError } from './auth.errors';
import type { Principal } from './principal';

/** Where the auth service serves its revoked sessions (not routed by the gateway). */
export const REVOKED_SESSIONS_PATH = '/internal/v1/revoked-sessions';

export const revokedSessionsPage = z.object({
  items: z.array(z.object({ sessionId: z.string(), notBefore: z.number().int(), expiresAt: z.number().int() })),
  cursor: z.string(),
});
export type RevokedSessionsPage = z.infer<typeof revokedSessionsPage>;

export interface SessionRevocationsOptions {
  url: string;
  pollMs?: number;
  now?: () => number;
  /** Told once when the feed has failed for 10 s (not a start-up race with auth) and once when it answers again. */
  log?: (level: 'warn' | 'info', message: string) => void;
}

/**
 * The sessions auth has revoked, polled from its feed, so a logout or a role change ends the
 * access tokens already out within a poll interval instead of at their expiry. A session's
 * tokens issued before its `notBefore` (seconds) are refused; an entry is dropped once every
 * such token has expired anyway. While the feed cannot be read, what is known stays enforced.
 */
export class SessionRevocations {
  private readonly revoked = new Map<string, { notBefore: number; expiresAt: number }>();
  private cursor = '0';
  private timer?: NodeJS.Timeout;
  private failingSince?: number;
  private warned = false;
  private stopped = true;
  private readonly now: () => number;

  constructor(private readonly o: SessionRevocationsOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Polls until `stop()`. */
  start(): void {
    if (!this.stopped || !this.o.url) return;
    this.stopped = false;
    void this.poll();
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): void {
    this.stop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  assertActive(p: Principal): void {
    const entry = p.sessionId === undefined ? undefined : this.revoked.get(p.sessionId);
    if (entry && (p.issuedAt ?? 0) < entry.notBefore) throw new InvalidTokenError('token has been revoked');
  }

  /** Reads every page past the cursor; then schedules the next poll. */
  async poll(): Promise<void> {
    try {
      for (let more = true; more; ) {
        const res = await fetch(`${this.o.url}?after=${encodeURIComponent(this.cursor)}`, { signal: AbortSignal.timeout(5_000), headers: { accept: 'application/json' } });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const page = revokedSessionsPage.parse(await res.json());
        for (const r of page.items) this.revoked.set(r.sessionId, { notBefore: Math.max(r.notBefore, this.revoked.get(r.sessionId)?.notBefore ?? 0), expiresAt: r.expiresAt });
        more = page.items.length > 0 && page.cursor !== this.cursor;
        this.cursor = page.cursor;
      }
      if (this.warned) this.o.log?.('info', `revoked sessions readable again at ${this.o.url}`);
      this.failingSince = undefined;
      this.warned = false;
      this.prune();
    } catch (e) {
      this.failingSince ??= this.now();
      if (!this.warned && this.now() - this.failingSince >= 10_000) {
        this.warned = true;
        this.o.log?.('warn', `revoked sessions unreadable at ${this.o.url} for 10 s: ${(e as Error).message}; enforcing the ${this.revoked.size} known`);
      }
    } finally {
      if (!this.stopped) this.timer = setTimeout(() => void this.poll(), this.o.pollMs ?? 2_000).unref();
    }
  }

  private prune(): void {
    const nowSeconds = this.now() / 1000;
    for (const [id, r] of this.revoked) if (r.expiresAt <= nowSeconds) this.revoked.delete(id);
  }
}
