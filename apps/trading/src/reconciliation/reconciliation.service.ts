import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { TradingReconciliationRequested } from '@alphintra/contracts';
import { uuidv7 } from '@alphintra/platform-database';
import { LOGGER } from '@alphintra/platform-http';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import { chunked, openOrdersAtVenue } from './open-orders-view';

/**
 * trading's side of the reconciliation on restart (ADR 0011): its view of the orders at the
 * venue, sent when it starts (its consumers already running) and whenever broker asks. broker
 * answers with the executions trading has not applied, which the saga dedups by executionId.
 */
@Injectable()
export class ReconciliationService implements OnApplicationBootstrap {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.em.fork().transactional((em) => this.sendView(em, uuidv7(), 'trading'));
    } catch (err) {
      this.logger.error({ err, component: 'reconcile' }, 'trading reconcile: could not send its view to broker');
    }
  }

  /** Records the view as events in the caller's transaction (for broker's request: the inbox one). */
  async sendView(em: EntityManager, reconciliationId: string, requestedBy: 'trading' | 'broker'): Promise<void> {
    const asOf = new Date();
    const orders = await openOrdersAtVenue(em);
    const chunks = chunked(reconciliationId, asOf, orders);
    await this.outbox.recordMany(
      em,
      TradingReconciliationRequested,
      chunks.map((data) => ({ subject: reconciliationId, data })),
      { correlationId: reconciliationId },
    );
    this.logger.info(
      { component: 'reconcile', reconciliationId, requestedBy, orders: orders.length, chunks: chunks.length },
      `trading reconcile: sent its view of ${orders.length} order(s) at the venue in ${chunks.length} chunk(s)`,
    );
  }
}
