import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { LOGGER, PLATFORM } from '@alphintra/platform-http';
import type { TradingEnv } from '../env';
import type { OrderRow } from './order-row';
import { SagaService } from './saga.service';
import { PeriodicTask } from '@alphintra/platform-jobs';

const BATCH = 200;

/**
 * Expires DAY orders at their session close: one not yet routed expires at once (its
 * reservation released); one at the venue is asked to cancel and expires when the venue
 * confirms. Replicas share the work (SKIP LOCKED); `expireDue(now)` is what tests drive.
 */
@Injectable()
export class ExpiryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private task?: PeriodicTask;

  constructor(
    private readonly em: EntityManager,
    private readonly saga: SagaService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM) private readonly platform: { env: TradingEnv },
  ) {}

  onApplicationBootstrap(): void {
    this.task = new PeriodicTask({ name: 'order expiry sweep', everyMs: this.platform.env.TRADING_EXPIRY_SWEEP_MS, logger: this.logger, run: () => this.expireDue(new Date()) });
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task?.stop();
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
