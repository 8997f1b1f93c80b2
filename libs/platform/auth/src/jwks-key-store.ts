import type { KeyObject } from 'node:crypto';
import { JwksUnavailableError } from './auth.errors';
import { signingKeysOf } from './jwks';

export interface JwksKeyStoreOptions {
  url: string;
  /** How long a fetched key set is trusted before a lookup fetches it again. */
  ttlMs?: number;
  /** At most one fetch per interval, so a flood of made-up `kid`s cannot hammer the auth service. */
  minRefreshIntervalMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

/** The auth service's public signing keys by `kid`, fetched from its JWKS endpoint and cached. */
export class JwksKeyStore {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = -Infinity;
  private attemptedAt = -Infinity;
  private lastFailure?: Error;
  private refreshing?: Promise<void>;
  private readonly now: () => number;

  constructor(private readonly o: JwksKeyStoreOptions) {
    this.now = o.now ?? Date.now;
  }

  async keyFor(kid: string): Promise<KeyObject | undefined> {
    if (!this.keys.has(kid) || this.now() - this.fetchedAt >= (this.o.ttlMs ?? 300_000)) {
      try {
        await this.refresh();
      } catch (e) {
        // An unreachable auth service must not lock everyone out: a known key stays usable.
        if (!this.keys.has(kid)) throw e;
      }
    }
    return this.keys.get(kid);
  }

  private refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    if (this.now() - this.attemptedAt < (this.o.minRefreshIntervalMs ?? 10_000)) {
      return this.lastFailure ? Promise.reject(this.lastFailure) : Promise.resolve();
    }
    this.attemptedAt = this.now();
    this.refreshing = this.fetchKeys()
      .then(
        () => {
          this.lastFailure = undefined;
        },
        (e: unknown) => {
          this.lastFailure = new JwksUnavailableError(`JWKS ${this.o.url} unavailable: ${(e as Error).message}`, { cause: e });
          throw this.lastFailure;
        },
      )
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  private async fetchKeys(): Promise<void> {
    const res = await fetch(this.o.url, { signal: AbortSignal.timeout(this.o.timeoutMs ?? 5_000), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    this.keys = signingKeysOf(await res.json());
    this.fetchedAt = this.now();
  }
}
