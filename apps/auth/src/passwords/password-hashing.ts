import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@alphintra/platform-http';
import { AUTH_ENV, type AuthServiceEnv } from '../env';
import { hashPassword, verifyPassword } from './password-hash';

/** Every hashing slot is taken and the queue is full: 503 with Retry-After (RetryAfterFilter). */
export class PasswordHashingBusyError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('AUTH.PASSWORD_HASHING_BUSY', 'unavailable', `Too many password checks are in progress; try again in ${retryAfterSeconds} seconds.`);
  }
}

/** What the limiter needs to know: how many hashes may run at once and how many may wait. */
export interface HashingLimits {
  AUTH_PASSWORD_HASH_CONCURRENCY: number;
  AUTH_PASSWORD_HASH_QUEUE: number;
}

/**
 * The one way to hash or check a password. scrypt at N = 2^17 holds 128 MiB for the whole of each
 * hash (a few hundred milliseconds of one core), so hashes in flight are bounded: at most
 * AUTH_PASSWORD_HASH_CONCURRENCY run at once (the auth container's memory limit is sized for that
 * many; ADR 0034), at most AUTH_PASSWORD_HASH_QUEUE more wait in order, and any beyond those are
 * refused at once with PasswordHashingBusyError, whose Retry-After is the time the queue ahead
 * takes at the recent pace of hashing.
 */
@Injectable()
export class PasswordHashing {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Moving average of one hash's wall time, for Retry-After. */
  private averageMs = 400;

  constructor(@Inject(AUTH_ENV) private readonly limits: HashingLimits | AuthServiceEnv) {}

  hash(password: string): Promise<string> {
    return this.run(() => hashPassword(password));
  }

  verify(password: string, stored: string): Promise<boolean> {
    return this.run(() => verifyPassword(password, stored));
  }

  /** Hashes running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.limits.AUTH_PASSWORD_HASH_CONCURRENCY) this.running++;
    else if (this.waiting.length < this.limits.AUTH_PASSWORD_HASH_QUEUE) await new Promise<void>((resolve) => this.waiting.push(resolve)); // the slot is handed over
    else throw new PasswordHashingBusyError(this.retryAfterSeconds());
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.averageMs = 0.8 * this.averageMs + 0.2 * (performance.now() - started);
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Until the hashes ahead (running and queued) are done, at the recent pace; at least 1 s. */
  private retryAfterSeconds(): number {
    const ahead = this.running + this.waiting.length;
    return Math.max(1, Math.ceil((ahead / this.limits.AUTH_PASSWORD_HASH_CONCURRENCY) * (this.averageMs / 1000)));
  }
}
