import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { BrokerReconciliationRequested, ExecutionReported, type EventData, type TradingReconciliationRequested } from '@alphintra/contracts';
import { uuidv7 } from '@alphintra/platform-database';
import { LOGGER } from '@alphintra/platform-http';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import { compareOrder } from './order-comparison';
import { addChunk, openRun, runOf, type ChunkCounts } from './reconciliation-runs';
import { ledgerOf, openVenueOrders, reportOf, type OpenVenueOrder } from './venue-ledger';

type TradingView = EventData<typeof TradingReconciliationRequested>;
const LISTED = 100;

/**
 * Reconciliation with trading on restart (ADR 0011): broker asks for trading's view when it
 * starts, trading sends it then and when it starts itself, and broker records again every
 * execution trading has not applied, under its original executionId.
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
      await this.request();
    } catch (err) {
      this.logger.error({ err, component: 'reconcile' }, 'broker reconcile: could not ask trading for its view');
    }
  }

  /** Reports the venue orders still open and asks trading for its view, in one transaction. */
  async request(): Promise<{ reconciliationId: string; open: number; orders: OpenVenueOrder[] }> {
    return this.em.fork().transactional(async (em) => {
      const orders = await openVenueOrders(em);
      const reconciliationId = uuidv7();
      const requestedAt = new Date().toISOString();
      await openRun(em, reconciliationId, requestedAt, orders.length);
      await this.outbox.record(em, BrokerReconciliationRequested, reconciliationId, { reconciliationId, requestedAt }, { correlationId: reconciliationId });
      this.logger.info(
        { component: 'reconcile', reconciliationId, open: orders.length, orders: orders.slice(0, LISTED) },
        `broker reconcile: ${orders.length} open venue order(s); asked trading for its view`,
      );
      return { reconciliationId, open: orders.length, orders };
    });
  }

  /** One chunk of trading's view, in the consumer's inbox transaction. */
  async compare(em: EntityManager, view: TradingView): Promise<void> {
    const { reconciliationId: id, chunk, chunks } = view;
    const at = { component: 'reconcile', reconciliationId: id, chunk, chunks };
    const run = await runOf(em, id, view.asOf);
    if (chunk >= chunks || (run.chunks !== null && run.chunks !== chunks)) {
      this.logger.warn({ ...at, expectedChunks: run.chunks }, 'broker reconcile: chunk of trading view out of range; ignored');
      return;
    }
    if (run.chunksReceived.includes(chunk)) return; // the same chunk again

    const { orders, executions } = await ledgerOf(em, view.orders.map((o) => o.orderId));
    const counts: ChunkCounts = { ordersCompared: view.orders.length, inSync: 0, executionsReplayed: 0, unknownToBroker: 0, diverged: 0 };
    const unknown: string[] = [];
    const replays: EventData<typeof ExecutionReported>[] = [];
    for (const listed of view.orders) {
      const vo = orders.get(listed.orderId);
      const c = compareOrder(listed, vo, executions.get(listed.orderId) ?? []);
      if (c.unknown) {
        counts.unknownToBroker++;
        unknown.push(listed.orderId);
        continue;
      }
      replays.push(...c.missing.map((x) => reportOf(vo!, x)));
      if (c.diverged) {
        counts.diverged++;
        this.logger.warn({ ...at, orderId: listed.orderId, status: listed.status }, `broker reconcile: books diverge: ${c.diverged}`);
      } else if (c.missing.length === 0) counts.inSync++;
    }
    counts.executionsReplayed = replays.length;
    if (replays.length) {
      await this.outbox.recordMany(
        em,
        ExecutionReported,
        replays.map((data) => ({ subject: data.orderId, data })),
        { correlationId: id },
      );
      this.logger.warn(
        { ...at, replayed: replays.slice(0, LISTED).map((r) => ({ orderId: r.orderId, executionId: r.executionId, kind: r.kind })) },
        `broker reconcile: replayed ${replays.length} execution(s) trading had not applied`,
      );
    }
    if (unknown.length) this.logger.warn({ ...at, orderIds: unknown.slice(0, LISTED) }, `broker reconcile: ${unknown.length} order(s) trading lists were never received by broker`);

    const done = await addChunk(em, id, chunk, chunks, counts);
    if (done.completedAt)
      this.logger.info(
        {
          component: 'reconcile',
          reconciliationId: id,
          requestedBy: done.requestedBy,
          ordersCompared: done.ordersCompared,
          inSync: done.inSync,
          executionsReplayed: done.executionsReplayed,
          unknownToBroker: done.unknownToBroker,
          diverged: done.diverged,
          openVenueOrders: done.openVenueOrders,
        },
        `broker reconcile with trading: ${done.ordersCompared} order(s) compared, ${done.inSync} in sync, ${done.executionsReplayed} execution(s) replayed, ${done.unknownToBroker} unknown to broker, ${done.diverged} diverged`,
      );
  }
}
