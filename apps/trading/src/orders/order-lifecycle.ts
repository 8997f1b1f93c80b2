import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { Dec, parseDecimal } from '@alphintra/money';
import { LOGGER } from '@alphintra/platform-http';
import { wire } from '../common/decimal';
import { OrderPipelineMetrics } from './order-pipeline.metrics';
import type { OrderRow } from './order-row';
import { isTerminal, transition, type OrderInput, type OrderStatus } from './order-state';

export interface Cause {
  /** What caused the transition: `http:DELETE /api/v1/orders`, or the event type and id. */
  cause: string;
  reason?: string | null;
  at?: Date;
}

/** What releasing `amount` (all, when absent) of an order's reservation gives back, and what stays reserved. */
export function reservationSplit(order: Pick<OrderRow, 'reserved'>, amount?: Dec): { release: Dec; rest: string } {
  const left = parseDecimal(order.reserved);
  const release = amount ? Dec.min(amount, left) : left;
  return { release, rest: wire(left.minus(release)) };
}

/**
 * Applies validated transitions to an order row (locked by the caller) and stores each with its
 * cause; illegal ones are logged and applied not at all. Also moves the account's reservation.
 */
@Injectable()
export class OrderLifecycle {
  constructor(
    @Inject(LOGGER) readonly logger: Logger,
    private readonly pipeline: OrderPipelineMetrics,
  ) {}

  /** The new status, or undefined when the input is illegal in the order's status (nothing written). */
  async apply(em: EntityManager, order: OrderRow, input: OrderInput, c: Cause, set: Record<string, unknown> = {}): Promise<OrderStatus | undefined> {
    const t = transition(order.status, input);
    if (!t.ok) {
      this.logger.warn({ orderId: order.id, from: t.from, input, cause: c.cause }, `order transition ignored: ${t.reason}`);
      return undefined;
    }
    const at = c.at ?? new Date();
    const cols = { ...set, status: t.to, updated_at: at.toISOString() };
    // The row and its transition in one statement (one round trip per transition).
    await em.execute(
      `with changed as (update "trading_data"."order" set ${Object.keys(cols).map((k) => `"${k}" = ?`).join(', ')} where "id" = ? returning "id")
       insert into "trading_data"."order_transition" ("order_id", "from_status", "status", "at", "reason", "cause") select "id", ?, ?, ?, ?, ? from changed`,
      [...Object.values(cols), order.id, t.from, t.to, at.toISOString(), c.reason ?? null, c.cause],
    );
    if (isTerminal(t.to)) this.pipeline.ended(em, order.created_at, t.to, at);
    Object.assign(order, cols);
    return t.to;
  }

  /** Gives back what is left of the order's reservation to the account's buying power. */
  async releaseReservation(em: EntityManager, order: OrderRow, amount?: Dec): Promise<void> {
    const { release, rest } = reservationSplit(order, amount);
    if (release.isZero()) return;
    await em.execute(
      `with o as (update "trading_data"."order" set "reserved" = ? where "id" = ?)
       update "trading_data"."account" set "reserved" = greatest("reserved" - ?, 0), "updated_at" = now() where "user_id" = ?`,
      [rest, order.id, wire(release), order.user_id],
    );
    order.reserved = rest;
  }
}
