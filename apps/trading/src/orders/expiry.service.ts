import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { LOGGER, PLATFORM } from '@alphintra/platform-http';
import type { TradingEnv } from '../env';
import type { OrderRow } from './order-row';
import { SagaService } from './saga.service';

const BATCH = 200;

/**
 * Expires DAY orders at their session close: one not yet routed expires at once (its
 * reservation released); one at the venue is asked to cancel and expires when the venue
 * confirms. Replicas share the work (SKIP LOCKED); `expireDue(now)` is what tests drive.
 */
@Injectable()
export class ExpiryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly em: EntityManager,
    private readonly saga: SagaService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM) private readonly platform: { env: TradingEnv },
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.expireDue(new Date())
        .catch((err) => this.logger.warn({ err }, 'order expiry sweep failed; the next one retries'))
        .finally(() => (this.running = undefined));
    }, this.platform.env.TRADING_EXPIRY_SWEEP_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Expires every open order due at `now`; returns how many it moved. */
  async expireDue(now: Date): Promise<number> {
    let moved = 0;
    for (;;) {
      const n = await this.em.fork().transactional(async (em) => {
        const due = await em.execute<OrderRow[]>(
          `select * from "trading_data"."order" where "expires_at" <= ? and "status" in ('pending_risk', 'routed', 'partially_filled')
           order by "expires_at", "id" limit ${BATCH} for update skip locked`,
          [now.toISOString()],
        );
        for (const order of due) await this.saga.advance(em, order, { kind: 'expire' }, 'trading:day-order-expiry', { at: now });
        return due.length;
      });
      moved += n;
      if (n < BATCH) return moved;
    }
  }
}
