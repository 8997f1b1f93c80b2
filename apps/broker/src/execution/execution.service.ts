import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { EventData, OrderCancelRequested } from '@alphintra/contracts';
import { query } from '@alphintra/platform-database';
import { LOGGER, PLATFORM } from '@alphintra/platform-http';
import { connectionOf, settingsOf } from '../connections/connections.repository';
import type { BrokerEnv } from '../env';
import { VenueRouter } from '../venues/venue-router';
import { ExecutionBook, VENUE_ORDER_COLUMNS, type RoutedOrder, type VenueOrderRow } from './execution-book';

@Injectable()
export class ExecutionService implements OnApplicationBootstrap {
  private readonly defaultSlippageBps: number;

  constructor(
    private readonly em: EntityManager,
    private readonly router: VenueRouter,
    private readonly book: ExecutionBook,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM) platform: { env: BrokerEnv },
  ) {
    this.defaultSlippageBps = platform.env.BROKER_DEFAULT_SLIPPAGE_BPS;
  }

  /** trading.order.routed, in the consumer's inbox transaction: to the user's default connection's venue, or paper. */
  async route(o: RoutedOrder, em: EntityManager): Promise<void> {
    const settings = await settingsOf(em, o.userId);
    const connection = settings?.defaultConnectionId ? await connectionOf(em, o.userId, settings.defaultConnectionId) : null;
    const venue = this.router.resolve(connection);
    await venue.submit(em, o, { connectionId: connection?.id ?? null, slippageBps: settings?.slippageBps ?? this.defaultSlippageBps });
  }

  /** trading.order.cancel-requested: cancels what rests; an order filled, rejected or unknown here is left alone. */
  async cancel(c: EventData<typeof OrderCancelRequested>, em: EntityManager): Promise<void> {
    const vo = await this.book.lockByOrderId(em, c.orderId);
    if (!vo || vo.userId !== c.userId) return;
    await this.router.holding(vo.venue).cancel(em, vo);
  }

  /** The venue order of a trading order and its executions; only its owner (or an admin) sees it. */
  async venueOrders(orderId: string, userId: string, admin: boolean) {
    const rows = await query<VenueOrderRow & { createdAt: Date }>(
      this.em,
      `select ${VENUE_ORDER_COLUMNS}, "created_at" as "createdAt" from "broker_data"."venue_order" where "order_id" = $1 ${admin ? '' : 'and "user_id" = $2'}`,
      admin ? [orderId] : [orderId, userId],
    );
    const items = [];
    for (const vo of rows) {
      const executions = await query<Record<string, unknown>>(
        this.em,
        `select "id", "kind", "quantity"::text as "quantity", "price"::text as "price", "cumulative_quantity"::text as "cumulativeQuantity",
                "leaves_quantity"::text as "leavesQuantity", "reason", "reported_at" as "reportedAt"
         from "broker_data"."execution" where "venue_order_id" = $1 order by "id"`,
        [vo.id],
      );
      items.push({
        ...vo,
        quantity: trim(vo.quantity),
        limitPrice: vo.limitPrice === null ? null : trim(vo.limitPrice),
        cumulativeQuantity: trim(vo.cumulativeQuantity),
        createdAt: new Date(vo.createdAt).toISOString(),
        executions: executions.map((e) => ({
          ...e,
          quantity: e.quantity === null ? null : trim(e.quantity as string),
          price: e.price === null ? null : trim(e.price as string),
          cumulativeQuantity: trim(e.cumulativeQuantity as string),
          leavesQuantity: trim(e.leavesQuantity as string),
          reportedAt: new Date(e.reportedAt as string).toISOString(),
        })),
      });
    }
    return { items, nextCursor: null };
  }

  /**
   * Start-up reconciliation. Reports go through the outbox, so none can be lost; what a restart
   * must show is which venue orders are still open (resting limit orders continue) and how far
   * each has been filled.
   */
  async reconcile(): Promise<{ open: number; orders: { orderId: string; venue: string; status: string; cumulativeQuantity: string; fills: number }[] }> {
    const orders = await query<{ orderId: string; venue: string; status: string; cumulativeQuantity: string; fills: number }>(
      this.em.fork(),
      `select vo."order_id" as "orderId", vo."venue", vo."status", vo."cumulative_quantity"::text as "cumulativeQuantity",
              (select count(*) from "broker_data"."execution" x where x."venue_order_id" = vo."id" and x."kind" = 'fill')::int as "fills"
       from "broker_data"."venue_order" vo where vo."status" = 'open' order by vo."created_at"`,
    );
    const view = orders.map((o) => ({ ...o, cumulativeQuantity: trim(o.cumulativeQuantity) }));
    this.logger.info({ component: 'reconcile', open: view.length, orders: view.slice(0, 100) }, `broker reconcile: ${view.length} open venue order(s)`);
    return { open: view.length, orders: view };
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reconcile();
  }
}

const trim = (v: string) => (v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v);
