import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  OrderCancelled,
  OrderCancelRequested,
  OrderExpired,
  OrderFilled,
  OrderPartiallyFilled,
  OrderRejected,
  OrderRoutedV2,
  PositionChanged,
  type AssessmentApproved,
  type AssessmentRejected,
  type EventData,
  type ExecutionReported,
} from '@alphintra/contracts';
import { parseDecimal } from '@alphintra/money';
import { PLATFORM } from '@alphintra/platform-http';
import { OutboxPublisher, type CloudEvent } from '@alphintra/platform-messaging';
import { wire, wireOrNull } from '../common/decimal';
import type { TradingEnv } from '../env';
import type { LedgerResult } from '../ledger/ledger';
import type { ExecutionRecord } from '../ledger/ledger.repository';
import { LedgerService } from '../ledger/ledger.service';
import { decide, type Decision, type OrderEvent } from './order.decide';
import { OrderLifecycle } from './order-lifecycle';
import { factsOf, orderFacts, orderRow, type OrderRow } from './order-row';

const causeOf = (e: CloudEvent) => `${e.type}:${e.id}`;
type Decided = Extract<Decision, { ok: true }>;

/**
 * trading's side of the order saga: load → decide → persist → publish. Each method runs inside
 * the caller's transaction (for events, the consumer's inbox one): the order's transition, the
 * ledger's movements and the events they cause commit together, or not at all.
 */
@Injectable()
export class SagaService {
  private readonly maxMarketAgeMs: number;

  constructor(
    private readonly outbox: OutboxPublisher,
    private readonly lifecycle: OrderLifecycle,
    private readonly ledger: LedgerService,
    @Inject(PLATFORM) platform: { env: TradingEnv },
  ) {
    this.maxMarketAgeMs = platform.env.TRADING_MARKET_ORDER_MAX_AGE_SECONDS * 1000;
  }

  async approved(em: EntityManager, e: CloudEvent<EventData<typeof AssessmentApproved>>): Promise<void> {
    const order = await this.ownOrder(em, e.data.orderId, e.data.userId);
    if (order) await this.advance(em, order, { kind: 'risk_approved', at: new Date(), maxMarketAgeMs: this.maxMarketAgeMs }, causeOf(e), { assessmentId: e.data.assessmentId });
  }

  async rejectedByRisk(em: EntityManager, e: CloudEvent<EventData<typeof AssessmentRejected>>): Promise<void> {
    const order = await this.ownOrder(em, e.data.orderId, e.data.userId);
    if (order) await this.advance(em, order, { kind: 'risk_rejected', reasons: e.data.reasons }, causeOf(e), { assessmentId: e.data.assessmentId });
  }

  async executionReported(em: EntityManager, e: CloudEvent<EventData<typeof ExecutionReported>>): Promise<void> {
    const r = e.data;
    const order = await this.ownOrder(em, r.orderId, r.userId, r.kind === 'fill' ? r.executionId : undefined);
    if (!order) return;
    if (r.kind === 'rejected') return void (await this.advance(em, order, { kind: 'venue_rejected', reason: r.reason ?? `rejected by ${r.venue}` }, causeOf(e)));
    if (r.kind === 'cancelled') {
      const at = new Date(r.reportedAt);
      return void (await this.advance(em, order, { kind: 'venue_cancelled', reason: r.reason ?? `cancelled by ${r.venue}`, at }, causeOf(e)));
    }
    if (order.execution_seen) return; // the same report again: no second effect
    if (!r.quantity || !r.price) return this.warn(order, `fill ${r.executionId} without a quantity and price ignored`);
    const at = new Date(r.reportedAt);
    await this.advance(em, order, { kind: 'fill', quantity: parseDecimal(r.quantity), price: parseDecimal(r.price) }, causeOf(e), {
      execution: { executionId: r.executionId, orderId: order.id, venue: r.venue, at },
    });
  }

  /**
   * The delisting and blacklisting policy of ARCHITECTURE.md §2 for orders: an order risk has not
   * decided on is cancelled at once; one at the venue gets cancel_requested and the venue settles it.
   */
  async cancelOpenOrdersOf(em: EntityManager, symbol: string, cause: string, why = `${symbol} was delisted`): Promise<void> {
    const open = await em.execute<OrderRow[]>(
      `select * from "trading_data"."order" where "symbol" = ? and "status" in ('pending_risk', 'routed', 'partially_filled') order by "id" for update`,
      [symbol],
    );
    for (const order of open) await this.advance(em, order, { kind: 'cancel', reason: why }, cause);
  }

  /**
   * Applies one event to a locked order: the pure core decides; an illegal one is logged and
   * changes nothing. Returns the decision taken, if any.
   */
  async advance(
    em: EntityManager,
    order: OrderRow,
    event: OrderEvent,
    cause: string,
    o: { assessmentId?: string; execution?: ExecutionRecord; at?: Date } = {},
  ): Promise<Decided | undefined> {
    const d = decide(factsOf(order), event);
    if (!d.ok) {
      this.lifecycle.logger.warn({ orderId: order.id, status: order.status, event: event.kind, cause }, `order event ignored: ${d.reason}`);
      return undefined;
    }
    const at = o.at ?? new Date();
    await this.lifecycle.apply(em, order, d, { cause, at }, o.assessmentId ? { assessment_id: o.assessmentId } : {});
    let moved: LedgerResult | undefined;
    if (d.ledger.length > 0) {
      const held = await this.ledger.lock(em, order.user_id, order.symbol);
      moved = await this.ledger.post(em, held, d.ledger, { orderId: order.id, execution: o.execution, at });
    }
    await this.publish(em, order, d, at, { ...o, moved, event });
    return d;
  }

  private async publish(em: EntityManager, order: OrderRow, d: Decided, at: Date, o: { assessmentId?: string; moved?: LedgerResult; event: OrderEvent }): Promise<void> {
    const base = { orderId: order.id, userId: order.user_id, symbol: order.symbol };
    const when = at.toISOString();
    for (const p of d.publish) {
      if (p === 'routed') await this.outbox.record(em, OrderRoutedV2, order.id, { ...orderFacts(order), assessmentId: o.assessmentId!, routedAt: when, worstPrice: wireOrNull(order.worst_price) });
      else if (p === 'rejected') await this.outbox.record(em, OrderRejected, order.id, { ...base, reasons: o.event.kind === 'risk_rejected' ? o.event.reasons : [d.reason ?? 'rejected'], rejectedAt: when });
      else if (p === 'cancel_requested') await this.outbox.record(em, OrderCancelRequested, order.id, { ...base, requestedAt: when, reason: d.reason ?? undefined });
      else if (p === 'cancelled') await this.outbox.record(em, OrderCancelled, order.id, { ...base, filledQuantity: wire(order.filled_quantity), cancelledAt: when });
      else if (p === 'expired') await this.outbox.record(em, OrderExpired, order.id, { ...base, filledQuantity: wire(order.filled_quantity), expiredAt: when });
      else if (p === 'partially_filled' && o.event.kind === 'fill')
        await this.outbox.record(em, OrderPartiallyFilled, order.id, {
          ...base,
          side: order.side,
          fillQuantity: wire(o.event.quantity),
          fillPrice: wire(o.event.price),
          filledQuantity: wire(order.filled_quantity),
          avgFillPrice: wire(order.avg_fill_price!),
          filledAt: when,
        });
      else if (p === 'filled')
        await this.outbox.record(em, OrderFilled, order.id, { ...base, side: order.side, quantity: wire(order.filled_quantity), avgFillPrice: wire(order.avg_fill_price!), filledAt: when });
      else if (p === 'position_changed' && o.moved && o.event.kind === 'fill') {
        const pos = o.moved.position;
        await this.outbox.record(em, PositionChanged, `${order.user_id}:${order.symbol}`, {
          userId: order.user_id,
          symbol: order.symbol,
          quantity: wire(pos.quantity),
          avgPrice: wire(pos.avgPrice),
          realizedPnl: wire(pos.realizedPnl),
          changedAt: new Date().toISOString(),
          orderId: order.id,
          fillQuantity: wire(o.event.quantity),
        });
      }
    }
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
