import type { ClientBase } from 'pg';
import { OUTBOX_SHARDS } from './outbox';

export interface OutboxLimits {
  /** Pending rows beyond which writes that record events are refused. */
  maxPending: number;
  /** Age of the oldest pending row beyond which writes that record events are refused. */
  maxAgeSeconds: number;
  /** What a refused client is told to wait. */
  retryAfterSeconds?: number;
}

/**
 * The outbox is over its limits: Kafka has been away (or refusing) long enough that the service
 * stops taking writes that record events rather than pile up what it cannot publish. The HTTP
 * layer answers 503 with Retry-After; a consumer retries it as a transient failure.
 */
export class OutboxBackPressureError extends Error {
  override name = 'OutboxBackPressureError';
  readonly code = 'OUTBOX.BACK_PRESSURE';
  readonly kind = 'unavailable';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * The outbox's backlog as the relay last measured it, checked by every write that records events
 * (no query per write). The age goes on growing between measurements while rows were pending, so
 * a relay that cannot measure (its database session is busy, or gone) does not freeze it.
 */
export class OutboxBacklog {
  private pending = 0;
  private ageSeconds = 0;
  private measuredAt = 0;

  constructor(
    readonly schema: string,
    readonly limits: OutboxLimits,
    private readonly onRefused: () => void = () => undefined,
  ) {}

  get state(): { pending: number; oldestAgeSeconds: number } {
    const age = this.pending > 0 ? this.ageSeconds + (Date.now() - this.measuredAt) / 1000 : 0;
    return { pending: this.pending, oldestAgeSeconds: age };
  }

  /** Throws OutboxBackPressureError while the backlog is over a limit. */
  assertRoom(): void {
    const { pending, oldestAgeSeconds } = this.state;
    const { maxPending, maxAgeSeconds, retryAfterSeconds = 5 } = this.limits;
    if (pending < maxPending && oldestAgeSeconds < maxAgeSeconds) return;
    this.onRefused();
    const why = pending >= maxPending ? `${pending} events are waiting (at most ${maxPending})` : `the oldest has waited ${Math.round(oldestAgeSeconds)} s (at most ${maxAgeSeconds} s)`;
    throw new OutboxBackPressureError(`The service cannot publish its events right now: ${why}; try again shortly.`, retryAfterSeconds);
  }

  set(pending: number, oldestAgeSeconds: number): void {
    this.pending = pending;
    this.ageSeconds = oldestAgeSeconds;
    this.measuredAt = Date.now();
  }

  /** Counts pending rows only up to the limit, and finds the oldest with one index probe per shard. */
  async measure(client: ClientBase): Promise<void> {
    const s = `"${this.schema}"."outbox"`;
    const { rows } = await client.query<{ pending: number; age: number }>(
      `select (select count(*) from (select 1 from ${s} where "sent_at" is null limit $1) p)::int as "pending",
              coalesce(extract(epoch from now() - (
                select min(o."created_at") from generate_series(0, $2::int - 1) g(shard)
                cross join lateral (select "created_at" from ${s} where "sent_at" is null and "shard" = g.shard order by "id" limit 1) o)), 0)::float8 as "age"`,
      [this.limits.maxPending + 1, OUTBOX_SHARDS],
    );
    this.set(rows[0]!.pending, rows[0]!.age);
  }
}
