import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { query } from '@alphintra/platform-database';
import { exponentialBackoff, LeasedWorker, type JobSettlement } from '@alphintra/platform-jobs';
import { LOGGER, PLATFORM } from '@alphintra/platform-http';
import type { NotificationEnv } from '../env';
import { NEW_NOTIFICATION_CHANNEL } from '../notifications/notification-stream';
import { createMailer, type Mailer } from './mailer';
import { postWebhook } from './webhook';

/** A claimed delivery is not claimed again for this long after its sender last renewed the lease (every third of it while it sends). */
export const LEASE_SECONDS = 60;
const BATCH = 10;

interface ClaimedDelivery {
  id: string;
  channel: 'email' | 'webhook';
  target: string;
  attempts: number;
  notification: { id: string; userId: string; kind: string; title: string; body: string; data: Record<string, unknown>; createdAt: string };
}

/**
 * Claims due pending deliveries with FOR UPDATE SKIP LOCKED (so replicas share the work), leasing
 * each by moving its `next_attempt_at` ahead and counting the attempt, then sends outside the
 * transaction. Each outcome is a `delivery_attempt` row plus the delivery's new state — `sent`, or
 * pending again after `base × 2^(attempt−1)` ms, or `failed` after the last attempt — committed
 * together and guarded by the attempt number, so a lease taken over finishes nothing twice.
 */
const CLAIM_SQL = `
  with due as (
    select "id" from "notification_data"."delivery"
    where "status" = 'pending' and "next_attempt_at" <= now()
    order by "next_attempt_at"
    for update skip locked
    limit $1)
  update "notification_data"."delivery" d
  set "attempts" = d."attempts" + 1, "next_attempt_at" = now() + make_interval(secs => $2), "updated_at" = now()
  from due, "notification_data"."notification" n
  where d."id" = due."id" and n."id" = d."notification_id"
  returning d."id", d."channel", d."target", d."attempts",
    json_build_object('id', n."id", 'userId', n."user_id", 'kind', n."kind", 'title', n."title", 'body', n."body", 'data', n."data",
      'createdAt', to_json(n."created_at")#>>'{}') as "notification"`;

/** A worker that still sends a delivery moves its lease on; guarded by the attempt it claimed. */
const RENEW_SQL = `
  update "notification_data"."delivery" set "next_attempt_at" = now() + make_interval(secs => $3)
  where "id" = $1 and "attempts" = $2 and "status" = 'pending'
  returning "id"`;

/**
 * The loop is `LeasedWorker` of @alphintra/platform-jobs: one loop claiming BATCH at a time, woken
 * by the insert trigger of `notification` (NOTIFY on commit), polling every
 * NOTIFICATION_WORKER_POLL_MS as the fallback; a failed attempt is tried again after backoff until
 * NOTIFICATION_MAX_ATTEMPTS.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly jobs: LeasedWorker<ClaimedDelivery, void>;
  private readonly mailer: Mailer;

  constructor(
    private readonly orm: MikroORM,
    @Inject(PLATFORM) private readonly platform: { env: NotificationEnv },
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const env = platform.env;
    this.mailer = createMailer(env.SMTP_URL, { requireTLS: env.SMTP_REQUIRE_TLS, timeoutMs: env.SMTP_TIMEOUT_MS });
    this.jobs = new LeasedWorker<ClaimedDelivery, void>(
      {
        claim: (_workerId, limit, leaseSeconds) => this.orm.em.fork().transactional((tx) => query<ClaimedDelivery>(tx, CLAIM_SQL, [limit, leaseSeconds])),
        renew: async (d, _workerId, leaseSeconds) => (await query(this.orm.em.fork(), RENEW_SQL, [d.id, d.attempts, leaseSeconds])).length > 0,
        run: (d) => this.deliver(d),
        settle: (d, s) => this.record(d, s),
      },
      {
        name: 'delivery',
        logger,
        leaseSeconds: LEASE_SECONDS,
        pollMs: env.NOTIFICATION_WORKER_POLL_MS,
        batchSize: BATCH,
        maxAttempts: env.NOTIFICATION_MAX_ATTEMPTS,
        backoffMs: exponentialBackoff(env.NOTIFICATION_RETRY_BASE_MS),
        overMaxAttempts: 'run',
        wake: { connection: env.database.runtime, channel: NEW_NOTIFICATION_CHANNEL },
      },
    );
  }

  onApplicationBootstrap(): void {
    this.jobs.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.jobs.stop();
    this.mailer.close();
  }

  /** Claims and sends one batch; answers how many deliveries it handled. */
  tick(): Promise<number> {
    return this.jobs.runOnce();
  }

  /** Sends one delivery; a throw is a failed attempt. */
  private async deliver(d: ClaimedDelivery): Promise<void> {
    const env = this.platform.env;
    if (d.channel === 'email') {
      await this.mailer.send({ from: env.SMTP_FROM, to: d.target, subject: d.notification.title, text: d.notification.body });
    } else {
      if (!env.NOTIFICATION_WEBHOOK_SECRET) throw new Error('NOTIFICATION_WEBHOOK_SECRET is not configured');
      await postWebhook(d.target, JSON.stringify(d.notification), env.NOTIFICATION_WEBHOOK_SECRET, {
        timeoutMs: env.NOTIFICATION_WEBHOOK_TIMEOUT_MS,
        policy: { allowPrivate: env.NOTIFICATION_WEBHOOK_ALLOW_PRIVATE },
      });
    }
  }

  /** The attempt's `delivery_attempt` row and the delivery's new state, in one transaction; false when the lease was lost. */
  private async record(d: ClaimedDelivery, s: JobSettlement<void>): Promise<boolean> {
    const error = s.kind === 'completed' ? null : s.kind === 'exhausted' ? 'attempts exhausted' : (errorText(s.error).slice(0, 1000) || 'unknown error');
    const status = s.kind === 'completed' ? 'sent' : s.kind === 'retry' ? 'pending' : 'failed';
    const backoffMs = s.kind === 'retry' ? s.delayMs : 0;
    if (error !== null) this.logger.warn({ deliveryId: d.id, channel: d.channel, attempt: d.attempts, status, error }, 'notification delivery attempt failed');
    return this.orm.em.fork().transactional(async (tx) => {
      const updated = await query<{ id: string }>(
        tx,
        `update "notification_data"."delivery"
         set "status" = $3, "last_error" = $4, "updated_at" = now(),
             "next_attempt_at" = case when $3 = 'pending' then now() + make_interval(secs => $5::double precision / 1000) else "next_attempt_at" end
         where "id" = $1 and "attempts" = $2 and "status" = 'pending' returning "id"`,
        [d.id, d.attempts, status, error, backoffMs],
      );
      if (!updated.length) return false; // the lease expired and another worker took the delivery over
      await query(tx, `insert into "notification_data"."delivery_attempt" ("delivery_id", "attempt", "at", "ok", "error") values ($1, $2, now(), $3, $4)`, [
        d.id,
        d.attempts,
        error === null,
        error,
      ]);
      return true;
    });
  }
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
