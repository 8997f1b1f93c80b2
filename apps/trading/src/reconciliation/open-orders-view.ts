import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventData, TradingReconciliationRequested } from '@alphintra/contracts';
import { wire } from '../common/decimal';

export type ViewChunk = EventData<typeof TradingReconciliationRequested>;
export type ListedOrder = ViewChunk['orders'][number];

/** Orders per event: a chunk stays far below Kafka's message size even with many fills per order. */
export const CHUNK_ORDERS = 200;

/**
 * trading's orders that reached the venue and are not terminal, each with the venue executions
 * it has booked, read in one statement (one consistent snapshot).
 */
export async function openOrdersAtVenue(em: EntityManager): Promise<ListedOrder[]> {
  const rows = await em.execute<{ orderId: string; userId: string; status: string; filledQuantity: string; executionIds: string[] }[]>(
    `select o."id" as "orderId", o."user_id" as "userId", o."status", o."filled_quantity"::text as "filledQuantity",
            array(select x."execution_id"::text from "trading_data"."execution" x where x."order_id" = o."id" order by x."executed_at", x."id") as "executionIds"
     from "trading_data"."order" o where o."status" in ('routed', 'partially_filled', 'cancel_requested') order by o."id"`,
  );
  return rows.map((r) => ({ ...r, filledQuantity: wire(r.filledQuantity) }));
}

/** The view as `chunks` events of at most `size` orders; an empty view is one empty chunk, so broker still logs the outcome. */
export function chunked(reconciliationId: string, asOf: Date, orders: readonly ListedOrder[], size = CHUNK_ORDERS): ViewChunk[] {
  const chunks = Math.max(1, Math.ceil(orders.length / size));
  return Array.from({ length: chunks }, (_, chunk) => ({ reconciliationId, chunk, chunks, asOf: asOf.toISOString(), orders: orders.slice(chunk * size, (chunk + 1) * size) }));
}
