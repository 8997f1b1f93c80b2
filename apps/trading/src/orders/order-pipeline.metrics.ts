import { Injectable, type OnModuleInit } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { Histogram } from 'prom-client';
import { metricsRegistry } from '@alphintra/platform-http';
import type { OrderStatus } from './order-state';

const pipeline = new Histogram({
  name: 'order_pipeline_duration_seconds',
  help: 'Time from an order’s submission to its terminal state (filled, rejected, cancelled), by outcome',
  labelNames: ['outcome'],
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86_400],
  registers: [metricsRegistry],
});

/**
 * Observes `order_pipeline_duration_seconds` once the transaction that made an order terminal
 * committed: one rolled back (and replayed by the consumer, say) counts nothing.
 */
@Injectable()
export class OrderPipelineMetrics implements OnModuleInit {
  private readonly pending = new WeakMap<EntityManager, { outcome: OrderStatus; seconds: number }[]>();

  constructor(private readonly orm: MikroORM) {}

  onModuleInit(): void {
    // Transactions fork the event manager with its subscribers, so this sees every one of them.
    this.orm.em.getEventManager().registerSubscriber({
      afterTransactionCommit: ({ em }) => this.settle(em as EntityManager, true),
      afterTransactionRollback: ({ em }) => this.settle(em as EntityManager, false),
    });
  }

  /** The order (submitted at `submittedAt`) reached the terminal `outcome` at `at`, in `em`'s transaction. */
  ended(em: EntityManager, submittedAt: Date, outcome: OrderStatus, at: Date): void {
    const list = this.pending.get(em) ?? this.pending.set(em, []).get(em)!;
    list.push({ outcome, seconds: Math.max(0, (at.getTime() - new Date(submittedAt).getTime()) / 1000) });
  }

  private settle(em: EntityManager, committed: boolean): void {
    const list = this.pending.get(em);
    this.pending.delete(em);
    if (committed) for (const o of list ?? []) pipeline.observe({ outcome: o.outcome }, o.seconds);
  }
}
