import { Migration } from '@mikro-orm/migrations';

/**
 * Limits, the read models risk decides on (exposure, tracked orders, blacklist replica),
 * assessments, and the append-only, hash-chained compliance log.
 */
export class Risk extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "risk_data"."risk_limit" (
      "user_id" uuid primary key,
      "max_order_notional" numeric(38, 8) not null check ("max_order_notional" > 0),
      "max_position_notional" numeric(38, 8) not null check ("max_position_notional" > 0),
      "max_open_orders" integer not null check ("max_open_orders" > 0),
      "max_orders_per_day" integer not null check ("max_orders_per_day" > 0),
      "allowed_sides" text[] not null check ("allowed_sides" <@ array['buy', 'sell']::text[] and cardinality("allowed_sides") > 0),
      "allowed_symbols" text[] null,
      "updated_by" uuid not null,
      "updated_at" timestamptz not null
    )`);
    this.addSql(`create table "risk_data"."exposure" (
      "user_id" uuid not null,
      "symbol" text not null,
      "quantity" numeric(38, 8) not null,
      "avg_price" numeric(38, 8) not null,
      "changed_at" timestamptz not null,
      primary key ("user_id", "symbol")
    )`);
    this.addSql(`create table "risk_data"."order_track" (
      "order_id" uuid primary key,
      "user_id" uuid not null,
      "submitted_at" timestamptz not null,
      "open" boolean not null default true,
      "closed_by" text null
    )`);
    this.addSql(`create index "order_track_user_open" on "risk_data"."order_track" ("user_id") where "open"`);
    this.addSql(`create index "order_track_user_submitted" on "risk_data"."order_track" ("user_id", "submitted_at")`);
    this.addSql(`create table "risk_data"."blacklist_ref" (
      "symbol" text primary key,
      "blacklisted" boolean not null,
      "reason" text null,
      "updated_at" timestamptz not null
    )`);
    this.addSql(`create table "risk_data"."risk_assessment" (
      "id" uuid primary key,
      "order_id" uuid not null unique,
      "user_id" uuid not null,
      "symbol" text not null,
      "decision" text not null check ("decision" in ('approved', 'rejected')),
      "rules" jsonb not null,
      "reasons" text[] not null,
      "assessed_at" timestamptz not null
    )`);
    this.addSql(`create index "risk_assessment_user" on "risk_data"."risk_assessment" ("user_id", "id")`);
    this.addSql(`create table "risk_data"."compliance_log" (
      "seq" bigserial primary key,
      "at" timestamptz not null,
      "actor" text not null,
      "kind" text not null,
      "subject" text not null,
      "payload" jsonb not null,
      "prev_hash" text not null,
      "hash" text not null unique
    )`);
    // Append-only: whoever got DML on the table through the schema's default privileges (the
    // runtime user) keeps SELECT and INSERT only. Provisioning repeats this (APPEND_ONLY_TABLES).
    this.addSql(`do $$
      declare r record;
      begin
        for r in select distinct grantee from information_schema.role_table_grants
                 where table_schema = 'risk_data' and table_name = 'compliance_log' and grantee <> current_user
        loop
          execute format('revoke update, delete, truncate on "risk_data"."compliance_log" from %I', r.grantee);
        end loop;
      end $$`);
  }
}
