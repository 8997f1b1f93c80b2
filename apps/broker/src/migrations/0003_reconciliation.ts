import { Migration } from '@mikro-orm/migrations';

/** One row per reconciliation with trading (ADR 0011): what was compared, replayed and not known. */
export class Reconciliation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "broker_data"."reconciliation_run" (
      "id" uuid primary key,
      "requested_by" text not null check ("requested_by" in ('broker', 'trading')),
      "requested_at" timestamptz not null,
      "open_venue_orders" integer not null,
      "chunks" integer null check ("chunks" > 0),
      "chunks_received" integer[] not null default '{}',
      "orders_compared" integer not null default 0,
      "in_sync" integer not null default 0,
      "executions_replayed" integer not null default 0,
      "unknown_to_broker" integer not null default 0,
      "diverged" integer not null default 0,
      "completed_at" timestamptz null
    )`);
    this.addSql(`create index "reconciliation_run_requested" on "broker_data"."reconciliation_run" ("requested_at")`);
    this.addSql(`create index "venue_order_open" on "broker_data"."venue_order" ("created_at") where "status" = 'open'`);
  }
}
