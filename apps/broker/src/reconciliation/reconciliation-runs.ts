import type { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@alphintra/platform-database';

export interface ReconciliationRun {
  id: string;
  requestedBy: 'broker' | 'trading';
  requestedAt: Date;
  openVenueOrders: number;
  chunks: number | null;
  chunksReceived: number[];
  ordersCompared: number;
  inSync: number;
  executionsReplayed: number;
  unknownToBroker: number;
  diverged: number;
  completedAt: Date | null;
}

export type ChunkCounts = Pick<ReconciliationRun, 'ordersCompared' | 'inSync' | 'executionsReplayed' | 'unknownToBroker' | 'diverged'>;

const COLUMNS = `"id", "requested_by" as "requestedBy", "requested_at" as "requestedAt", "open_venue_orders" as "openVenueOrders", "chunks",
  "chunks_received" as "chunksReceived", "orders_compared" as "ordersCompared", "in_sync" as "inSync", "executions_replayed" as "executionsReplayed",
  "unknown_to_broker" as "unknownToBroker", "diverged", "completed_at" as "completedAt"`;

const OPEN_COUNT = `(select count(*) from "broker_data"."venue_order" where "status" = 'open')::int`;

/** A reconciliation broker asked for (at its start). */
export async function openRun(em: EntityManager, id: string, requestedAt: string, openVenueOrders: number): Promise<void> {
  await query(em, `insert into "broker_data"."reconciliation_run" ("id", "requested_by", "requested_at", "open_venue_orders") values ($1, 'broker', $2, $3)`, [id, requestedAt, openVenueOrders]);
}

/** The run a chunk of trading's view belongs to, locked; opened when trading started it unasked. */
export async function runOf(em: EntityManager, id: string, requestedAt: string): Promise<ReconciliationRun> {
  await query(
    em,
    `insert into "broker_data"."reconciliation_run" ("id", "requested_by", "requested_at", "open_venue_orders") values ($1, 'trading', $2, ${OPEN_COUNT}) on conflict ("id") do nothing`,
    [id, requestedAt],
  );
  const [run] = await query<ReconciliationRun>(em, `select ${COLUMNS} from "broker_data"."reconciliation_run" where "id" = $1 for update`, [id]);
  return run!;
}

/** Adds one chunk's counts; the run completes with its last chunk. */
export async function addChunk(em: EntityManager, id: string, chunk: number, chunks: number, c: ChunkCounts): Promise<ReconciliationRun> {
  const [run] = await query<ReconciliationRun>(
    em,
    `update "broker_data"."reconciliation_run" set
       "chunks" = $3, "chunks_received" = array_append("chunks_received", $2::int),
       "orders_compared" = "orders_compared" + $4, "in_sync" = "in_sync" + $5, "executions_replayed" = "executions_replayed" + $6,
       "unknown_to_broker" = "unknown_to_broker" + $7, "diverged" = "diverged" + $8,
       "completed_at" = case when cardinality("chunks_received") + 1 = $3 then now() end
     where "id" = $1 returning ${COLUMNS}`,
    [id, chunk, chunks, c.ordersCompared, c.inSync, c.executionsReplayed, c.unknownToBroker, c.diverged],
  );
  return run!;
}
