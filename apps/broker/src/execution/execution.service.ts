import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { EventData, OrderCancelRequested } from '@alphintra/contracts';
import { query } from '@alphintra/platform-database';
import { PLATFORM } from '@alphintra/platform-http';
import { connectionOf, settingsOf } from '../connections/connections.repository';
import type { BrokerEnv } from '../env';
import { VenueRouter } from '../venues/venue-router';
import { ExecutionBook, VENUE_ORDER_COLUMNS, type RoutedOrder, type VenueOrderRow } from './execution-book';
import { staleMarketOrder } from './market-order-age';

@Injectable()
export class ExecutionService {
  private readonly defaultSlippageBps: number;
  private readonly maxSlippageBps: number;
  private readonly maxMarketAgeSeconds: number;

  constructor(
    private readonly em: EntityManager,
    private readonly router: VenueRouter,
    private readonly book: ExecutionBook,
    @Inject(PLATFORM) platform: { env: BrokerEnv },
  ) {
    this.defaultSlippageBps = platform.env.BROKER_DEFAULT_SLIPPAGE_BPS;
    this.maxSlippageBps = platform.env.BROKER_MAX_SLIPPAGE_BPS;
    this.maxMarketAgeSeconds = platform.env.BROKER_MARKET_ORDER_MAX_AGE_SECONDS;
  }

  /**
   * trading.order.routed, in the consumer's inbox transaction: to the user's default connection's
   * venue, or paper. A market order older than BROKER_MARKET_ORDER_MAX_AGE_SECONDS is recorded and
   * cancelled without going to any venue.
   */
  async route(o: RoutedOrder, em: EntityManager): Promise<void> {
    const settings = await settingsOf(em, o.userId);
    const connection = settings?.defaultConnectionId ? await connectionOf(em, o.userId, settings.defaultConnectionId) : null;
    const venue = this.router.resolve(connection);
    const slippageBps = Math.min(settings?.slippageBps ?? this.defaultSlippageBps, this.maxSlippageBps);
    const stale = staleMarketOrder(o, new Date(), this.maxMarketAgeSeconds);
    if (!stale) return venue.submit(em, o, { connectionId: connection?.id ?? null, slippageBps });
    const vo = await this.book.accept(em, o, venue.name, connection?.id ?? null, slippageBps);
    if (vo) await this.book.report(em, vo, { kind: 'cancelled', reason: stale });
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
        worstPrice: vo.worstPrice === null ? null : trim(vo.worstPrice),
        stopPrice: vo.stopPrice === null ? null : trim(vo.stopPrice),
        trailPrice: vo.trailPrice === null ? null : trim(vo.trailPrice),
        trailPercent: vo.trailPercent === null ? null : trim(vo.trailPercent),
        mark: vo.mark === null ? null : trim(vo.mark),
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
}

const trim = (v: string) => (v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v);
