import type { EntityManager } from '@mikro-orm/postgresql';
import { parseDecimal } from '@alphintra/money';
import { wire, wireOrNull } from '../common/decimal';
import type { OrderFacts, OrderType } from './order.decide';
import type { OrderStatus } from './order-state';

/** An `order` row as PostgreSQL answers it (NUMERIC as strings). */
export interface OrderRow {
  id: string;
  user_id: string;
  idempotency_key: string;
  request_hash: string;
  symbol: string;
  side: 'buy' | 'sell';
  type: OrderType;
  quantity: string;
  limit_price: string | null;
  stop_price: string | null;
  trail_price: string | null;
  trail_percent: string | null;
  time_in_force: 'day' | 'gtc' | 'ioc' | 'fok' | 'opg' | 'cls';
  reference_price: string;
  reserve_price: string;
  /** Cash a buy still holds. */
  reserved: string;
  /** Shares a sell still holds. */
  reserved_shares: string;
  worst_price: string | null;
  /** The account's buying power right after this order's reservation. */
  buying_power: string | null;
  expires_at: Date | null;
  filled_quantity: string;
  avg_fill_price: string | null;
  status: OrderStatus;
  reject_reason: string | null;
  assessment_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const decOrNull = (v: string | null) => (v === null ? null : parseDecimal(v));

/** What the pure core decides on. */
export const factsOf = (o: OrderRow): OrderFacts => ({
  status: o.status,
  side: o.side,
  type: o.type,
  submittedAt: new Date(o.created_at),
  quantity: parseDecimal(o.quantity),
  filledQuantity: parseDecimal(o.filled_quantity),
  avgFillPrice: decOrNull(o.avg_fill_price),
  reservePrice: parseDecimal(o.reserve_price),
  worstPrice: decOrNull(o.worst_price),
  reservedCash: parseDecimal(o.reserved),
  reservedShares: parseDecimal(o.reserved_shares),
  buyingPowerAtPlacement: decOrNull(o.buying_power),
  expiresAt: o.expires_at ? new Date(o.expires_at) : null,
});

export interface TransitionRow {
  order_id: string;
  status: OrderStatus;
  at: Date;
  reason: string | null;
}

/**
 * An order row; with `executionId`, also whether that venue execution is already booked
 * (`execution_seen`), in the same round trip.
 */
export async function orderRow(
  em: EntityManager,
  id: string,
  o: { userId?: string; lock?: boolean; executionId?: string } = {},
): Promise<(OrderRow & { execution_seen?: boolean }) | undefined> {
  const seen = o.executionId ? `, exists (select 1 from "trading_data"."execution" where "execution_id" = ?) as "execution_seen"` : '';
  const [row] = await em.execute<(OrderRow & { execution_seen?: boolean })[]>(
    `select *${seen} from "trading_data"."order" where "id" = ?${o.userId ? ' and "user_id" = ?' : ''}${o.lock ? ' for update' : ''}`,
    [...(o.executionId ? [o.executionId] : []), id, ...(o.userId ? [o.userId] : [])],
  );
  return row;
}

export async function historyOf(em: EntityManager, ids: string[]): Promise<Map<string, TransitionRow[]>> {
  const byOrder = new Map<string, TransitionRow[]>();
  if (ids.length === 0) return byOrder;
  const rows = await em.execute<TransitionRow[]>(
    `select "order_id", "status", "at", "reason" from "trading_data"."order_transition" where "order_id" = any(array[?]::uuid[]) order by "id"`,
    [ids],
  );
  for (const r of rows) (byOrder.get(r.order_id) ?? byOrder.set(r.order_id, []).get(r.order_id)!).push(r);
  return byOrder;
}

export const orderView = (o: OrderRow, history: TransitionRow[]) => ({
  id: o.id,
  symbol: o.symbol,
  side: o.side,
  type: o.type,
  quantity: wire(o.quantity),
  limitPrice: wireOrNull(o.limit_price),
  stopPrice: wireOrNull(o.stop_price),
  trailPrice: wireOrNull(o.trail_price),
  trailPercent: wireOrNull(o.trail_percent),
  timeInForce: o.time_in_force,
  filledQuantity: wire(o.filled_quantity),
  avgFillPrice: wireOrNull(o.avg_fill_price),
  status: o.status,
  rejectReason: o.reject_reason,
  expiresAt: o.expires_at ? new Date(o.expires_at).toISOString() : null,
  createdAt: new Date(o.created_at).toISOString(),
  updatedAt: new Date(o.updated_at).toISOString(),
  history: history.map((h) => ({ status: h.status, at: new Date(h.at).toISOString(), reason: h.reason })),
});
export type OrderView = ReturnType<typeof orderView>;

/** The order part every order event carries. */
export const orderFacts = (o: OrderRow) => ({
  orderId: o.id,
  userId: o.user_id,
  symbol: o.symbol,
  side: o.side,
  type: o.type,
  quantity: wire(o.quantity),
  limitPrice: wireOrNull(o.limit_price),
  timeInForce: o.time_in_force,
  stopPrice: wireOrNull(o.stop_price),
  trailPrice: wireOrNull(o.trail_price),
  trailPercent: wireOrNull(o.trail_percent),
});
