import { Migration } from '@mikro-orm/migrations';

/** Connections (credentials sealed), settings, the paper venue's prices, venue orders and their executions. */
export class Broker extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "broker_data"."connection" (
      "id" uuid primary key,
      "user_id" uuid not null,
      "broker" text not null,
      "mode" text not null check ("mode" in ('paper', 'live')),
      "label" text not null,
      "api_key_last4" text null,
      "credentials_ciphertext" text null,
      "wrapped_data_key" text null,
      "kek_id" text null,
      "created_at" timestamptz not null,
      check (("mode" = 'live') = ("credentials_ciphertext" is not null)),
      check (("credentials_ciphertext" is null) = ("wrapped_data_key" is null) and ("wrapped_data_key" is null) = ("kek_id" is null))
    )`);
    this.addSql(`create index "connection_user" on "broker_data"."connection" ("user_id", "id")`);
    this.addSql(`create table "broker_data"."settings" (
      "user_id" uuid primary key,
      "default_connection_id" uuid null references "broker_data"."connection" ("id") on delete set null,
      "slippage_bps" integer not null check ("slippage_bps" between 0 and 10000),
      "updated_at" timestamptz not null
    )`);
    this.addSql(`create table "broker_data"."last_price" (
      "symbol" text primary key,
      "price" numeric(38, 8) not null,
      "at" timestamptz not null
    )`);
    this.addSql(`create table "broker_data"."venue_order" (
      "id" uuid primary key,
      "order_id" uuid not null unique,
      "user_id" uuid not null,
      "connection_id" uuid null,
      "venue" text not null,
      "symbol" text not null,
      "side" text not null check ("side" in ('buy', 'sell')),
      "type" text not null check ("type" in ('market', 'limit')),
      "quantity" numeric(38, 8) not null check ("quantity" > 0),
      "limit_price" numeric(38, 8) null,
      "slippage_bps" integer not null,
      "status" text not null check ("status" in ('open', 'filled', 'cancelled', 'rejected')),
      "cumulative_quantity" numeric(38, 8) not null default 0,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    )`);
    this.addSql(`create index "venue_order_resting" on "broker_data"."venue_order" ("symbol") where "status" = 'open' and "type" = 'limit'`);
    this.addSql(`create table "broker_data"."execution" (
      "id" uuid primary key,
      "venue_order_id" uuid not null references "broker_data"."venue_order" ("id"),
      "order_id" uuid not null,
      "kind" text not null check ("kind" in ('fill', 'rejected', 'cancelled')),
      "quantity" numeric(38, 8) null,
      "price" numeric(38, 8) null,
      "cumulative_quantity" numeric(38, 8) not null,
      "leaves_quantity" numeric(38, 8) not null,
      "reason" text null,
      "reported_at" timestamptz not null
    )`);
    this.addSql(`create index "execution_order" on "broker_data"."execution" ("order_id", "id")`);
  }
}
