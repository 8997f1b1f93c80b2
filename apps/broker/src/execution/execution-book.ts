import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ExecutionReported, type EventData, type OrderRouted, type OrderRoutedV2 } from '@alphintra/contracts';
import { Dec, formatDecimal } from '@alphintra/money';
import { query, uuidv7 } from '@alphintra/platform-database';
import { OutboxPublisher } from '@alphintra/platform-messaging';

/** A routed order as the venues take it: trading.order.routed v2 (v1 read as v2 by routedOfV1). */
export type RoutedOrder = EventData<typeof OrderRoutedV2>;

/** A version 1 routed order (market or limit, day or gtc) in version 2's shape. */
export const routedOfV1 = (o: EventData<typeof OrderRouted>): RoutedOrder => ({ ...o, worstPrice: o.worstPrice ?? null, stopPrice: null, trailPrice: null, trailPercent: null });

/** A venue_order row as the venues work on it (decimals as strings). */
export interface VenueOrderRow {
  id: string;
  orderId: string;
  userId: string;
  connectionId: string | null;
  venue: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: RoutedOrder['type'];
  quantity: string;
  limitPrice: string | null;
  /** null on orders accepted before times in force reached the venue. */
  timeInForce: RoutedOrder['timeInForce'] | null;
  stopPrice: string | null;
  trailPrice: string | null;
  trailPercent: string | null;
  /** A trailing stop's best last price since acceptance. */
  mark: string | null;
  /** Whether a stop's trigger has been reached (it then acts as a market or limit order). */
  triggered: boolean;
  /** Never fill a buy above it or a sell below it (null: an order routed before it existed). */
  worstPrice: string | null;
  slippageBps: number;
  status: 'open' | 'filled' | 'cancelled' | 'rejected';
  cumulativeQuantity: string;
}

export const VENUE_ORDER_COLUMNS = `"id", "order_id" as "orderId", "user_id" as "userId", "connection_id" as "connectionId", "venue", "symbol", "side", "type",
  "quantity"::text as "quantity", "limit_price"::text as "limitPrice", "worst_price"::text as "worstPrice", "slippage_bps" as "slippageBps", "status", "cumulative_quantity"::text as "cumulativeQuantity",
  "time_in_force" as "timeInForce", "stop_price"::text as "stopPrice", "trail_price"::text as "trailPrice", "trail_percent"::text as "trailPercent", "mark"::text as "mark", "triggered_at" is not null as "triggered"`;

export type Report = { kind: 'fill'; quantity: Dec; price: Dec } | { kind: 'rejected'; reason: string } | { kind: 'cancelled'; reason?: string };

/**
 * The venue orders and their executions. Every report writes its execution row, moves the
 * venue order and records broker.execution.reported in the caller's transaction.
 */
@Injectable()
export class ExecutionBook {
  constructor(private readonly outbox: OutboxPublisher) {}

  /** The venue order of a routed order; null when the order was already accepted (a redelivery or a copy). */
  async accept(em: EntityManager, o: RoutedOrder, venue: string, connectionId: string | null, slippageBps: number): Promise<VenueOrderRow | null> {
    const now = new Date().toISOString();
    const [row] = await query<VenueOrderRow>(
      em,
      `insert into "broker_data"."venue_order" ("id", "order_id", "user_id", "connection_id", "venue", "symbol", "side", "type", "quantity", "limit_price", "worst_price",
         "slippage_bps", "status", "created_at", "updated_at", "time_in_force", "stop_price", "trail_price", "trail_percent")
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'open', $13, $13, $14, $15, $16, $17)
       on conflict ("order_id") do nothing
       returning ${VENUE_ORDER_COLUMNS}`,
      [uuidv7(), o.orderId, o.userId, connectionId, venue, o.symbol, o.side, o.type, o.quantity, o.limitPrice, o.worstPrice ?? null, slippageBps, now, o.timeInForce, o.stopPrice, o.trailPrice, o.trailPercent],
    );
    return row ?? null;
  }

  async lockByOrderId(em: EntityManager, orderId: string): Promise<VenueOrderRow | null> {
    const [row] = await query<VenueOrderRow>(em, `select ${VENUE_ORDER_COLUMNS} from "broker_data"."venue_order" where "order_id" = $1 for update`, [orderId]);
    return row ?? null;
  }

  /** A stop's new mark and, once reached, its trigger time (the order then acts as a market or limit order). */
  async markStop(em: EntityManager, vo: VenueOrderRow, mark: string | null, triggered: boolean): Promise<void> {
    await query(em, `update "broker_data"."venue_order" set "mark" = $2, "triggered_at" = case when $3 then coalesce("triggered_at", now()) end, "updated_at" = now() where "id" = $1`, [
      vo.id,
      mark,
      triggered,
    ]);
    vo.mark = mark;
    vo.triggered = triggered;
  }

  /** Records one report; `vo` is updated in place to the order's new state. */
  async report(em: EntityManager, vo: VenueOrderRow, r: Report): Promise<void> {
    const quantity = new Dec(vo.quantity);
    let cumulative = new Dec(vo.cumulativeQuantity);
    if (r.kind === 'fill') cumulative = cumulative.plus(r.quantity);
    if (cumulative.gt(quantity)) throw new Error(`venue order ${vo.id} would be overfilled`);
    const leaves = r.kind === 'fill' ? quantity.minus(cumulative) : new Dec(0);
    const status: VenueOrderRow['status'] = r.kind === 'fill' ? (leaves.isZero() ? 'filled' : 'open') : r.kind;
    const reportedAt = new Date();
    const executionId = uuidv7(reportedAt.getTime());
    const fillQuantity = r.kind === 'fill' ? formatDecimal(r.quantity) : null;
    const fillPrice = r.kind === 'fill' ? formatDecimal(r.price) : null;
    const reason = r.kind === 'fill' ? null : (r.reason ?? null);

    // The execution and the venue order's new state, in one statement.
    await query(
      em,
      `with execution as (
         insert into "broker_data"."execution" ("id", "venue_order_id", "order_id", "kind", "quantity", "price", "cumulative_quantity", "leaves_quantity", "reason", "reported_at")
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       )
       update "broker_data"."venue_order" set "status" = $11, "cumulative_quantity" = $7, "updated_at" = $10 where "id" = $2`,
      [executionId, vo.id, vo.orderId, r.kind, fillQuantity, fillPrice, formatDecimal(cumulative), formatDecimal(leaves), reason, reportedAt.toISOString(), status],
    );
    vo.status = status;
    vo.cumulativeQuantity = formatDecimal(cumulative);
    await this.outbox.record(em, ExecutionReported, vo.orderId, {
      executionId,
      orderId: vo.orderId,
      userId: vo.userId,
      symbol: vo.symbol,
      side: vo.side,
      kind: r.kind,
      quantity: fillQuantity,
      price: fillPrice,
      cumulativeQuantity: formatDecimal(cumulative),
      leavesQuantity: formatDecimal(leaves),
      reason,
      venue: vo.venue,
      reportedAt: reportedAt.toISOString(),
    });
  }
}
