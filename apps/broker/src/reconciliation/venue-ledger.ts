import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventData, ExecutionReported } from '@alphintra/contracts';
import { Dec, formatDecimal } from '@alphintra/money';
import { query } from '@alphintra/platform-database';
import { VENUE_ORDER_COLUMNS, type VenueOrderRow } from '../execution/execution-book';
import type { VenueExecution } from './order-comparison';

/** An `execution` row as it was reported (decimals as strings). */
export interface ExecutionRow extends VenueExecution {
  orderId: string;
  price: string | null;
  cumulativeQuantity: string;
  leavesQuantity: string;
  reason: string | null;
  reportedAt: Date;
}

export interface OpenVenueOrder {
  orderId: string;
  venue: string;
  status: string;
  cumulativeQuantity: string;
  fills: number;
}

const wire = (v: string) => formatDecimal(new Dec(v));

/** The venue orders of these trading orders, and their executions in the order they were reported. */
export async function ledgerOf(em: EntityManager, orderIds: string[]): Promise<{ orders: Map<string, VenueOrderRow>; executions: Map<string, ExecutionRow[]> }> {
  const orders = new Map<string, VenueOrderRow>();
  const executions = new Map<string, ExecutionRow[]>();
  if (orderIds.length === 0) return { orders, executions };
  const vos = await query<VenueOrderRow>(em, `select ${VENUE_ORDER_COLUMNS} from "broker_data"."venue_order" where "order_id" = any($1::uuid[])`, [orderIds]);
  const xs = await query<ExecutionRow>(
    em,
    `select "id", "order_id" as "orderId", "kind", "quantity"::text as "quantity", "price"::text as "price", "cumulative_quantity"::text as "cumulativeQuantity",
            "leaves_quantity"::text as "leavesQuantity", "reason", "reported_at" as "reportedAt"
     from "broker_data"."execution" where "order_id" = any($1::uuid[])
     order by "order_id", "reported_at", ("kind" <> 'fill'), "cumulative_quantity", "id"`,
    [orderIds],
  );
  for (const vo of vos) orders.set(vo.orderId, vo);
  for (const x of xs) (executions.get(x.orderId) ?? executions.set(x.orderId, []).get(x.orderId)!).push(x);
  return { orders, executions };
}

/** The report as broker recorded it when the execution happened: same executionId, same data. */
export const reportOf = (vo: VenueOrderRow, x: ExecutionRow): EventData<typeof ExecutionReported> => ({
  executionId: x.id,
  orderId: vo.orderId,
  userId: vo.userId,
  symbol: vo.symbol,
  side: vo.side,
  kind: x.kind,
  quantity: x.quantity === null ? null : wire(x.quantity),
  price: x.price === null ? null : wire(x.price),
  cumulativeQuantity: wire(x.cumulativeQuantity),
  leavesQuantity: wire(x.leavesQuantity),
  reason: x.reason,
  venue: vo.venue,
  reportedAt: new Date(x.reportedAt).toISOString(),
});

/** The venue orders still open (resting limit orders continue across a restart) and how far each is filled. */
export async function openVenueOrders(em: EntityManager): Promise<OpenVenueOrder[]> {
  const rows = await query<OpenVenueOrder>(
    em,
    `select vo."order_id" as "orderId", vo."venue", vo."status", vo."cumulative_quantity"::text as "cumulativeQuantity",
            (select count(*) from "broker_data"."execution" x where x."order_id" = vo."order_id" and x."kind" = 'fill')::int as "fills"
     from "broker_data"."venue_order" vo where vo."status" = 'open' order by vo."created_at"`,
  );
  return rows.map((o) => ({ ...o, cumulativeQuantity: wire(o.cumulativeQuantity) }));
}
