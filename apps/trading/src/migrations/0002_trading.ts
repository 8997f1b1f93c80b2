import { Migration } from '@mikro-orm/migrations';

/**
 * The instrument replica (with last prices), cash accounts, orders with their transitions,
 * executions, positions and deposits. `order.symbol` and `position.symbol` carry real foreign
 * keys to the replica (ARCHITECTURE.md §2).
 */
export class Trading extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "trading_data"."instrument_ref" (
      "symbol" text primary key,
      "name" text null,
      "exchange" text null,
      "status" text not null check ("status" in ('listed', 'delisted', 'unlisted')),
      "last_price" numeric(38, 8) null check ("last_price" > 0),
      "price_at" timestamptz null,
      "updated_at" timestamptz not null
    )`);
    this.addSql(`create table "trading_data"."account" (
      "user_id" uuid primary key,
      "cash" numeric(38, 8) not null default 0,
      "reserved" numeric(38, 8) not null default 0 check ("reserved" >= 0),
      "updated_at" timestamptz not null default now()
    )`);
    this.addSql(`create table "trading_data"."deposit" (
      "id" uuid primary key,
      "user_id" uuid not null references "trading_data"."account" ("user_id"),
      "amount" numeric(38, 8) not null check ("amount" > 0),
      "at" timestamptz not null
    )`);
    this.addSql(`create table "trading_data"."order" (
      "id" uuid primary key,
      "user_id" uuid not null,
      "idempotency_key" text not null,
      "request_hash" text not null,
      "symbol" text not null,
      "side" text not null check ("side" in ('buy', 'sell')),
      "type" text not null check ("type" in ('market', 'limit')),
      "quantity" numeric(38, 8) not null check ("quantity" > 0),
      "limit_price" numeric(38, 8) null check ("limit_price" > 0),
      "time_in_force" text not null check ("time_in_force" in ('day', 'gtc')),
      "reference_price" numeric(38, 8) not null,
      "reserve_price" numeric(38, 8) not null,
      "reserved" numeric(38, 8) not null default 0 check ("reserved" >= 0),
      "filled_quantity" numeric(38, 8) not null default 0 check ("filled_quantity" >= 0 and "filled_quantity" <= "quantity"),
      "avg_fill_price" numeric(38, 8) null,
      "status" text not null check ("status" in ('pending_risk', 'routed', 'partially_filled', 'filled', 'rejected', 'cancel_requested', 'cancelled')),
      "reject_reason" text null,
      "assessment_id" uuid null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      constraint "order_user_idempotency_key" unique ("user_id", "idempotency_key"),
      constraint "order_symbol_fkey" foreign key ("symbol") references "trading_data"."instrument_ref" ("symbol")
    )`);
    this.addSql(`create index "order_user" on "trading_data"."order" ("user_id", "id")`);
    this.addSql(`create index "order_symbol" on "trading_data"."order" ("symbol")`);
    this.addSql(`create table "trading_data"."order_transition" (
      "id" bigserial primary key,
      "order_id" uuid not null references "trading_data"."order" ("id"),
      "from_status" text null,
      "status" text not null,
      "at" timestamptz not null,
      "reason" text null,
      "cause" text not null
    )`);
    this.addSql(`create index "order_transition_order" on "trading_data"."order_transition" ("order_id", "id")`);
    this.addSql(`create table "trading_data"."execution" (
      "id" uuid primary key,
      "execution_id" uuid not null unique,
      "order_id" uuid not null references "trading_data"."order" ("id"),
      "user_id" uuid not null,
      "symbol" text not null references "trading_data"."instrument_ref" ("symbol"),
      "side" text not null check ("side" in ('buy', 'sell')),
      "quantity" numeric(38, 8) not null check ("quantity" > 0),
      "price" numeric(38, 8) not null check ("price" > 0),
      "venue" text not null,
      "executed_at" timestamptz not null
    )`);
    this.addSql(`create index "execution_user" on "trading_data"."execution" ("user_id", "id")`);
    this.addSql(`create table "trading_data"."position" (
      "user_id" uuid not null,
      "symbol" text not null,
      "quantity" numeric(38, 8) not null,
      "avg_price" numeric(38, 8) not null,
      "realized_pnl" numeric(38, 8) not null,
      "updated_at" timestamptz not null,
      primary key ("user_id", "symbol"),
      constraint "position_symbol_fkey" foreign key ("symbol") references "trading_data"."instrument_ref" ("symbol")
    )`);
  }
}
