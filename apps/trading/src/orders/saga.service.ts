import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  OrderCancelled,
  OrderCancelRequested,
  OrderFilled,
  OrderRejected,
  OrderRouted,
  PositionChanged,
  type AssessmentApproved,
  type AssessmentRejected,
  type EventData,
  type ExecutionReported,
} from '@alphintra/contracts';
import { Dec, parseDecimal } from '@alphintra/money';
import { uuidv7 } from '@alphintra/platform-database';
import { OutboxPublisher, type CloudEvent } from '@alphintra/platform-messaging';
import { wire } from '../common/decimal';
import { applyFill, emptyPosition, nextAvgFillPrice, reservationRelease } from '../portfolio/position-math';
import { OrderLifecycle, reservationSplit } from './order-lifecycle';
import { orderFacts, orderRow, type OrderRow } from './order-row';

const causeOf = (e: CloudEvent) => `${e.type}:${e.id}`;

/**
 * trading's side of the order saga. Each method runs inside the consumer's inbox transaction:
 * every state change of one event, and the events it causes, commit together.
 */
@Injectable()
export class SagaService {
  constructor(
    private readonly outbox: OutboxPublisher,
    private readonly lifecycle: OrderLifecycle,
  ) {}

  async approved(em: EntityManager, e: CloudEvent<EventData<typeof AssessmentApproved>>): Promise<void> {
    const order = await this.ownOrder(em, e.data.orderId, e.data.userId);
    if (!order) return;
    const at = new Date();
    const to = await this.lifecycle.apply(em, order, 'risk_approved', { cause: causeOf(e), reason: `assessment ${e.data.assessmentId}`, at }, { assessment_id: e.data.assessmentId });
    if (!to) return;
    await this.outbox.record(em, OrderRouted, order.id, { ...orderFacts(order), assessmentId: e.data.assessmentId, routedAt: at.toISOString() });
  }

  async rejectedByRisk(em: EntityManager, e: CloudEvent<EventData<typeof AssessmentRejected>>): Promise<void> {
    const order = await this.ownOrder(em, e.data.orderId, e.data.userId);
    if (!order) return;
    await this.reject(em, order, 'risk_rejected', e.data.reasons, causeOf(e));
  }

  async executionReported(em: EntityManager, e: CloudEvent<EventData<typeof ExecutionReported>>): Promise<void> {
    const r = e.data;
    const order = await this.ownOrder(em, r.orderId, r.userId, r.kind === 'fill' ? r.executionId : undefined);
    if (!order) return;
    if (r.kind === 'rejected') return this.reject(em, order, 'venue_rejected', [r.reason ?? `rejected by ${r.venue}`], causeOf(e));
    if (r.kind === 'cancelled') {
      const at = new Date();
      const to = await this.lifecycle.apply(em, order, 'venue_cancelled', { cause: causeOf(e), reason: r.reason ?? `cancelled by ${r.venue}`, at });
      if (!to) return;
      await this.lifecycle.releaseReservation(em, order);
      await this.outbox.record(em, OrderCancelled, order.id, { orderId: order.id, userId: order.user_id, symbol: order.symbol, filledQuantity: wire(order.filled_quantity), cancelledAt: at.toISOString() });
      return;
    }
    await this.fill(em, order, e);
  }

  /**
   * The delisting policy of ARCHITECTURE.md §2 for orders: an order risk has not decided on is
   * cancelled at once; one at the venue gets cancel_requested and the venue settles it.
   */
  async cancelOpenOrdersOf(em: EntityManager, symbol: string, cause: string): Promise<void> {
    const open = await em.execute<OrderRow[]>(
      `select * from "trading_data"."order" where "symbol" = ? and "status" in ('pending_risk', 'routed', 'partially_filled') order by "id" for update`,
      [symbol],
    );
    for (const order of open) {
      const at = new Date();
      const to = await this.lifecycle.apply(em, order, 'cancel', { cause, reason: `${symbol} was delisted`, at });
      if (to === 'cancelled') {
        await this.lifecycle.releaseReservation(em, order);
        await this.outbox.record(em, OrderCancelled, order.id, { orderId: order.id, userId: order.user_id, symbol, filledQuantity: wire(order.filled_quantity), cancelledAt: at.toISOString() });
      } else if (to === 'cancel_requested') {
        await this.outbox.record(em, OrderCancelRequested, order.id, { orderId: order.id, userId: order.user_id, symbol, requestedAt: at.toISOString() });
      }
    }
  }

  private async fill(em: EntityManager, order: OrderRow & { execution_seen?: boolean }, e: CloudEvent<EventData<typeof ExecutionReported>>): Promise<void> {
    const r = e.data;
    if (order.execution_seen) return; // the same report again: no second effect
    if (!r.quantity || !r.price || !parseDecimal(r.quantity).gt(0) || !parseDecimal(r.price).gt(0)) {
      this.warn(order, `fill ${r.executionId} without a positive quantity and price ignored`);
      return;
    }
    const qty = parseDecimal(r.quantity);
    const price = parseDecimal(r.price);
    const filledBefore = parseDecimal(order.filled_quantity);
    const filled = filledBefore.plus(qty);
    const total = parseDecimal(order.quantity);
    if (filled.gt(total)) {
      this.warn(order, `fill ${r.executionId} of ${r.quantity} would overfill the order (${order.filled_quantity} of ${order.quantity} filled)`);
      return;
    }
    const complete = filled.eq(total);
    const at = new Date(r.reportedAt);
    const avg = nextAvgFillPrice(filledBefore, order.avg_fill_price ? parseDecimal(order.avg_fill_price) : null, qty, price);
    // Cash: a buy pays and frees its share of the reservation; a sell is credited.
    const notional = qty.times(price);
    const { release, rest } =
      order.side === 'buy' ? reservationSplit(order, reservationRelease(parseDecimal(order.reserved), parseDecimal(order.reserve_price), qty, complete)) : { release: new Dec(0), rest: order.reserved };
    // The state machine decides first; an illegal fill (e.g. on a rejected order) is logged and applies nothing.
    const to = await this.lifecycle.apply(
      em,
      order,
      complete ? 'fill_full' : 'fill_partial',
      { cause: causeOf(e), reason: `fill ${r.quantity} @ ${r.price}` },
      { filled_quantity: wire(filled), avg_fill_price: wire(avg), reserved: rest },
    );
    if (!to) return;
    // The execution and the account's cash and reservation, in one statement.
    await em.execute(
      `with booked as (
         insert into "trading_data"."execution" ("id", "execution_id", "order_id", "user_id", "symbol", "side", "quantity", "price", "venue", "executed_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       )
       insert into "trading_data"."account" ("user_id", "cash") values (?, ?)
       on conflict ("user_id") do update set "cash" = "account"."cash" + excluded."cash", "reserved" = greatest("account"."reserved" - ?, 0), "updated_at" = now()`,
      [
        uuidv7(),
        r.executionId,
        order.id,
        order.user_id,
        order.symbol,
        order.side,
        r.quantity,
        r.price,
        r.venue,
        at.toISOString(),
        order.user_id,
        wire(order.side === 'buy' ? notional.neg() : notional),
        wire(release),
      ],
    );

    const [cur] = await em.execute<{ quantity: string; avg_price: string; realized_pnl: string }[]>(
      `select "quantity", "avg_price", "realized_pnl" from "trading_data"."position" where "user_id" = ? and "symbol" = ? for update`,
      [order.user_id, order.symbol],
    );
    const before = cur ? { quantity: parseDecimal(cur.quantity), avgPrice: parseDecimal(cur.avg_price), realizedPnl: parseDecimal(cur.realized_pnl) } : emptyPosition();
    const p = applyFill(before, order.side, qty, price);
    await em.execute(
      `insert into "trading_data"."position" ("user_id", "symbol", "quantity", "avg_price", "realized_pnl", "updated_at") values (?, ?, ?, ?, ?, ?)
       on conflict ("user_id", "symbol") do update set "quantity" = excluded."quantity", "avg_price" = excluded."avg_price", "realized_pnl" = excluded."realized_pnl", "updated_at" = excluded."updated_at"`,
      [order.user_id, order.symbol, wire(p.quantity), wire(p.avgPrice), wire(p.realizedPnl), new Date().toISOString()],
    );
    const changedAt = new Date().toISOString();
    if (complete)
      await this.outbox.record(em, OrderFilled, order.id, {
        orderId: order.id,
        userId: order.user_id,
        symbol: order.symbol,
        side: order.side,
        quantity: wire(filled),
        avgFillPrice: wire(avg),
        filledAt: at.toISOString(),
      });
    await this.outbox.record(em, PositionChanged, `${order.user_id}:${order.symbol}`, {
      userId: order.user_id,
      symbol: order.symbol,
      quantity: wire(p.quantity),
      avgPrice: wire(p.avgPrice),
      realizedPnl: wire(p.realizedPnl),
      changedAt,
    });
  }

  private async reject(em: EntityManager, order: OrderRow, input: 'risk_rejected' | 'venue_rejected', reasons: string[], cause: string): Promise<void> {
    const at = new Date();
    const reason = reasons.join('; ');
    const to = await this.lifecycle.apply(em, order, input, { cause, reason, at }, { reject_reason: reason });
    if (!to) return;
    await this.lifecycle.releaseReservation(em, order);
    await this.outbox.record(em, OrderRejected, order.id, { orderId: order.id, userId: order.user_id, symbol: order.symbol, reasons, rejectedAt: at.toISOString() });
  }

  /** The order, locked; an unknown order or one of another user is logged and left alone. */
  private async ownOrder(em: EntityManager, orderId: string, userId: string, executionId?: string): Promise<(OrderRow & { execution_seen?: boolean }) | undefined> {
    const order = await orderRow(em, orderId, { lock: true, executionId });
    if (!order || order.user_id !== userId) {
      this.lifecycle.logger.warn({ orderId, userId }, 'saga event for an unknown order ignored');
      return undefined;
    }
    return order;
  }

  private warn(order: OrderRow, msg: string) {
    this.lifecycle.logger.warn({ orderId: order.id }, msg);
  }
}


