import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { LOGGER } from '@alphintra/platform-http';
import { wire } from '../common/decimal';
import { recordCause } from '../order-record/order-record';
import { OrderRecordService } from '../order-record/order-record.service';
import { OrderPipelineMetrics } from './order-pipeline.metrics';
import type { Decision, OrderChanges } from './order.decide';
import type { OrderRow } from './order-row';
import { isTerminal, type OrderStatus } from './order-state';

export interface Cause {
  /** What caused the transition: `http:DELETE /api/v1/orders`, or the event type and id. */
  cause: string;
  at?: Date;
}

const COLUMNS: Record<keyof OrderChanges, string> = {
  filledQuantity: 'filled_quantity',
  avgFillPrice: 'avg_fill_price',
  reservedCash: 'reserved',
  reservedShares: 'reserved_shares',
  rejectReason: 'reject_reason',
};

/**
 * Writes what the pure core decided for an order row (locked by the caller): its columns and the
 * transition, with its cause, and the transition's entry in the order record (ADR 0033).
 */
@Injectable()
export class OrderLifecycle {
  constructor(
    @Inject(LOGGER) readonly logger: Logger,
    private readonly pipeline: OrderPipelineMetrics,
    private readonly record: OrderRecordService,
  ) {}

  async apply(em: EntityManager, order: OrderRow, d: Extract<Decision, { ok: true }>, c: Cause, set: Record<string, unknown> = {}): Promise<OrderStatus> {
    const at = c.at ?? new Date();
    const cols: Record<string, unknown> = { ...set, status: d.to, updated_at: at.toISOString() };
    for (const [k, v] of Object.entries(d.changes) as [keyof OrderChanges, OrderChanges[keyof OrderChanges]][]) {
      if (v !== undefined) cols[COLUMNS[k]] = typeof v === 'string' ? v : wire(v);
    }
    // The row and its transition in one statement (one round trip per transition).
    await em.execute(
      `with changed as (update "trading_data"."order" set ${Object.keys(cols).map((k) => `"${k}" = ?`).join(', ')} where "id" = ? returning "id")
       insert into "trading_data"."order_transition" ("order_id", "from_status", "status", "at", "reason", "cause") select "id", ?, ?, ?, ?, ? from changed`,
      [...Object.values(cols), order.id, d.from, d.to, at.toISOString(), d.reason, c.cause],
    );
    this.record.record(em, {
      orderId: order.id,
      userId: order.user_id,
      from: d.from,
      to: d.to,
      reason: d.reason,
      cause: recordCause(c.cause, { assessmentId: set.assessment_id as string | undefined }),
      at,
    });
    if (isTerminal(d.to)) this.pipeline.ended(em, order.created_at, d.to, at);
    Object.assign(order, cols);
    return d.to;
  }
}
