import { HashChainLog, type ChainEntry } from '@alphintra/platform-database';
import type { OrderStatus } from '../orders/order-state';

/** The chain's advisory lock: 'TRAD'. */
export const ORDER_RECORD_LOCK = 0x54_52_41_44;

/**
 * What caused a transition: an event (its type and id, and the risk assessment when risk decided),
 * an HTTP request, or a job of trading's own. Room for more (the deployment and strategy version
 * once orders carry them): the hash covers whatever is here.
 */
export type RecordCause =
  | { source: 'event'; type: string; id: string; assessmentId?: string }
  | { source: 'http'; request: string; idempotencyKey?: string }
  | { source: 'trading'; job: string; idempotencyKey?: string }
  | { source: 'other'; text: string };

/** One order transition as the record keeps it. */
export interface OrderRecordInput {
  orderId: string;
  userId: string;
  /** null for the placement. */
  from: OrderStatus | null;
  to: OrderStatus;
  reason: string | null;
  cause: RecordCause;
  /** The transition's time. */
  at: Date;
}

export interface OrderRecordEntry extends ChainEntry, OrderRecordInput {}

const EVENT_CAUSE = /^([a-z][\w.-]*):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The cause string order_transition keeps (`type:id`, `http:…`, `trading:…`) as the record's structure. */
export function recordCause(cause: string, extra: { assessmentId?: string | null; idempotencyKey?: string } = {}): RecordCause {
  const event = EVENT_CAUSE.exec(cause);
  if (event) return { source: 'event', type: event[1]!, id: event[2]!.toLowerCase(), ...(extra.assessmentId ? { assessmentId: extra.assessmentId } : {}) };
  const key = extra.idempotencyKey ? { idempotencyKey: extra.idempotencyKey } : {};
  if (cause.startsWith('http:')) return { source: 'http', request: cause.slice(5), ...key };
  if (cause.startsWith('trading:')) return { source: 'trading', job: cause.slice(8), ...key };
  return { source: 'other', text: cause };
}

const hashed = (e: Omit<OrderRecordEntry, 'prevHash' | 'hash'>): Record<string, unknown> => ({
  seq: e.seq,
  at: e.at.toISOString(),
  orderId: e.orderId,
  userId: e.userId,
  from: e.from,
  to: e.to,
  reason: e.reason,
  cause: e.cause,
});

/** trading's order record: `order_record`, checkpoints in `order_record_checkpoint` (ADR 0033). */
export const orderRecordLog = (checkpointEvery: number) =>
  new HashChainLog<OrderRecordInput, OrderRecordEntry>({
    name: 'trading.order_record',
    schema: 'trading_data',
    table: 'order_record',
    lockKey: ORDER_RECORD_LOCK,
    columns: { at: '?', order_id: '?', user_id: '?', from_status: '?', to_status: '?', reason: '?', cause: '?::jsonb' },
    // The transition's own time, to the millisecond (what PostgreSQL reads back).
    entry: (seq, _appendedAt, i) => ({ seq, ...i, at: new Date(i.at.getTime()), cause: JSON.parse(JSON.stringify(i.cause)) as RecordCause }),
    hashed,
    values: (e) => [e.at.toISOString(), e.orderId, e.userId, e.from, e.to, e.reason, JSON.stringify(e.cause)],
    fromRow: (r) => ({
      seq: String(r.seq),
      at: new Date(r.at as string | Date),
      orderId: r.order_id as string,
      userId: r.user_id as string,
      from: r.from_status as OrderStatus | null,
      to: r.to_status as OrderStatus,
      reason: r.reason as string | null,
      cause: (typeof r.cause === 'string' ? JSON.parse(r.cause) : r.cause) as RecordCause,
      prevHash: r.prev_hash as string,
      hash: r.hash as string,
    }),
    checkpoints: { table: 'order_record_checkpoint', every: checkpointEvery },
  });
