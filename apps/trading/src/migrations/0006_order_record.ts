import { Migration } from '@mikro-orm/migrations';

/**
 * The verifiable order record (ADR 0033): every order transition as an append-only, hash-chained
 * entry, and the signed checkpoints that pin its count and head.
 */
export class OrderRecord extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "trading_data"."order_record" (
      "seq" bigserial primary key,
      "at" timestamptz not null,
      "order_id" uuid not null,
      "user_id" uuid not null,
      "from_status" text null,
      "to_status" text not null,
      "reason" text null,
      "cause" jsonb not null,
      "prev_hash" text not null,
      "hash" text not null unique
    )`);
    this.addSql(`create index "order_record_order" on "trading_data"."order_record" ("order_id", "seq")`);
    this.addSql(`create table "trading_data"."order_record_checkpoint" (
      "id" bigserial primary key,
      "at" timestamptz not null,
      "entries" bigint not null check ("entries" > 0),
      "head_seq" bigint not null,
      "head_hash" text not null,
      "key_id" text not null,
      "signature" text not null
    )`);
    // Append-only: whoever got DML on the tables through the schema's default privileges (the
    // runtime user) keeps SELECT and INSERT only. Provisioning repeats this (APPEND_ONLY_TABLES).
    this.addSql(`do $$
      declare r record;
      begin
        for r in select distinct grantee, table_name from information_schema.role_table_grants
                 where table_schema = 'trading_data' and table_name in ('order_record', 'order_record_checkpoint') and grantee <> current_user
        loop
          execute format('revoke update, delete, truncate on "trading_data".%I from %I', r.table_name, r.grantee);
        end loop;
      end $$`);
  }
}
