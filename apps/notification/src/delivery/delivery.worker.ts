import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { query } from '@alphintra/platform-database';
import { LOGGER, PLATFORM } from '@alphintra/platform-http';
import type { NotificationEnv } from '../env';
import { createMailer, type Mailer } from './mailer';
import { postWebhook } from './webhook';

/** A claimed delivery is not claimed again for this long, whatever its sender does. */
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

@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private loop?: Promise<void>;
  private running = false;
  private wake?: () => void;
  private readonly mailer: Mailer;

  constructor(
    private readonly orm: MikroORM,
    @Inject(PLATFORM) private readonly platform: { env: NotificationEnv },
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const env = platform.env;
    this.mailer = createMailer(env.SMTP_URL, { requireTLS: env.SMTP_REQUIRE_TLS, timeoutMs: env.SMTP_TIMEOUT_MS });
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.mailer.close();
  }

  /** Claims and sends one batch; answers how many deliveries it handled. */
  async tick(): Promise<number> {
    const claimed = await this.claim();
    await Promise.all(claimed.map((d) => this.deliver(d)));
    return claimed.length;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let handled = 0;
      try {
        handled = await this.tick();
      } catch (e) {
        this.logger.error({ err: e }, 'delivery worker tick failed');
      }
      if (handled === 0 && this.running) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, this.platform.env.NOTIFICATION_WORKER_POLL_MS);
          this.wake = () => {
            clearTimeout(t);
            r();
          };
        });
      }
    }
  }

  private claim(): Promise<ClaimedDelivery[]> {
    const em = this.orm.em.fork();
    return em.transactional((tx) => query<ClaimedDelivery>(tx, CLAIM_SQL, [BATCH, LEASE_SECONDS]));
  }

  private async deliver(d: ClaimedDelivery): Promise<void> {
    const env = this.platform.env;
    let error: string | null = null;
    try {
      if (d.channel === 'email') {
        await this.mailer.send({ from: env.SMTP_FROM, to: d.target, subject: d.notification.title, text: d.notification.body });
      } else {
        if (!env.NOTIFICATION_WEBHOOK_SECRET) throw new Error('NOTIFICATION_WEBHOOK_SECRET is not configured');
        await postWebhook(d.target, JSON.stringify(d.notification), env.NOTIFICATION_WEBHOOK_SECRET, {
          timeoutMs: env.NOTIFICATION_WEBHOOK_TIMEOUT_MS,
          policy: { allowPrivate: env.NOTIFICATION_WEBHOOK_ALLOW_PRIVATE },
        });
      }
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).slice(0, 1000) || 'unknown error';
    }
    const last = d.attempts >= env.NOTIFICATION_MAX_ATTEMPTS;
    const status = error === null ? 'sent' : last ? 'failed' : 'pending';
    const backoffMs = env.NOTIFICATION_RETRY_BASE_MS * 2 ** (d.attempts - 1);
    try {
      await this.orm.em.fork().transactional(async (tx) => {
        const updated = await query<{ id: string }>(
          tx,
          `update "notification_data"."delivery"
           set "status" = $3, "last_error" = $4, "updated_at" = now(),
               "next_attempt_at" = case when $3 = 'pending' then now() + make_interval(secs => $5::double precision / 1000) else "next_attempt_at" end
           where "id" = $1 and "attempts" = $2 and "status" = 'pending' returning "id"`,
          [d.id, d.attempts, status, error, backoffMs],
        );
        if (!updated.length) return; // the lease expired and another worker took the delivery over
        await query(tx, `insert into "notification_data"."delivery_attempt" ("delivery_id", "attempt", "at", "ok", "error") values ($1, $2, now(), $3, $4)`, [
          d.id,
          d.attempts,
          error === null,
          error,
        ]);
      });
    } catch (e) {
      this.logger.error({ err: e, deliveryId: d.id }, 'could not record a delivery attempt');
    }
    if (error !== null) this.logger.warn({ deliveryId: d.id, channel: d.channel, attempt: d.attempts, status, error }, 'notification delivery attempt failed');
  }
}
