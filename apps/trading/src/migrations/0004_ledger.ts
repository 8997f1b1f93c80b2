import { Migration } from '@mikro-orm/migrations';

/**
 * The account ledger (issue: money invariants). Every movement of cash or shares is an
 * `activity` row with the balance after it (deposits and fills so far are carried over, their
 * balances recomputed in time order); sells reserve shares on the position as buys reserve cash;
 * orders carry their worst acceptable price and, for DAY orders, when they expire. The
 * invariants the ledger's pure core enforces are CHECK constraints too, so a bug surfaces as a
 * refused transaction, never as wrong money.
 */
export class Ledger extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "trading_data"."account" add constraint "account_cash_non_negative" check ("cash" >= 0)`);
    this.addSql(`alter table "trading_data"."position"
      add column "reserved" numeric(38, 8) not null default 0,
      add constraint "position_quantity_non_negative" check ("quantity" >= 0),
      add constraint "position_reserved_within_quantity" check ("reserved" >= 0 and "reserved" <= "quantity")`);
    this.addSql(`alter table "trading_data"."order"
      drop constraint "order_status_check",
      add constraint "order_status_check" check ("status" in ('pending_risk', 'routed', 'partially_filled', 'filled', 'rejected', 'cancel_requested', 'cancelled', 'expired')),
      add column "worst_price" numeric(38, 8) null check ("worst_price" > 0),
      add column "reserved_shares" numeric(38, 8) not null default 0,
      add column "buying_power" numeric(38, 8) null,
      add column "expires_at" timestamptz null,
      add constraint "order_reserved_shares_open" check ("reserved_shares" >= 0 and "reserved_shares" <= "quantity" - "filled_quantity"),
      add constraint "order_fills_within_worst_price" check (
        "avg_fill_price" is null or "worst_price" is null
        or ("side" = 'buy' and "avg_fill_price" <= "worst_price") or ("side" = 'sell' and "avg_fill_price" >= "worst_price"))`);
    this.addSql(`create index "order_expiring" on "trading_data"."order" ("expires_at") where "status" in ('pending_risk', 'routed', 'partially_filled')`);
    this.addSql(`create table "trading_data"."activity" (
      "id" uuid primary key,
      "user_id" uuid not null references "trading_data"."account" ("user_id"),
      "type" text not null check ("type" in ('deposit', 'withdrawal', 'fill')),
      "amount" numeric(38, 8) not null,
      "cash_after" numeric(38, 8) not null check ("cash_after" >= 0),
      "symbol" text null references "trading_data"."instrument_ref" ("symbol"),
      "side" text null check ("side" in ('buy', 'sell')),
      "quantity" numeric(38, 8) null,
      "price" numeric(38, 8) null check ("price" > 0),
      "quantity_after" numeric(38, 8) null check ("quantity_after" >= 0),
      "order_id" uuid null references "trading_data"."order" ("id"),
      "execution_id" uuid null unique,
      "at" timestamptz not null,
      check (("type" = 'fill') = ("symbol" is not null and "side" is not null and "quantity" is not null and "price" is not null and "quantity_after" is not null))
    )`);
    this.addSql(`create index "activity_user" on "trading_data"."activity" ("user_id", "id")`);
    this.addSql(`insert into "trading_data"."activity" ("id", "user_id", "type", "amount", "cash_after", "symbol", "side", "quantity", "price", "quantity_after", "order_id", "execution_id", "at")
      select "id", "user_id", "type", "amount", sum("amount") over (partition by "user_id" order by "at", "id"), "symbol", "side", "quantity", "price",
             case when "symbol" is null then null else sum("quantity") over (partition by "user_id", "symbol" order by "at", "id") end, "order_id", "execution_id", "at"
      from (
        select "id", "user_id", 'deposit' as "type", "amount", null as "symbol", null as "side", null::numeric as "quantity", null::numeric as "price", null::uuid as "order_id", null::uuid as "execution_id", "at"
        from "trading_data"."deposit"
        union all
        select "id", "user_id", 'fill', case when "side" = 'buy' then -("quantity" * "price") else "quantity" * "price" end, "symbol", "side",
               case when "side" = 'buy' then "quantity" else -"quantity" end, "price", "order_id", "execution_id", "executed_at"
        from "trading_data"."execution"
      ) m`);
    this.addSql(`drop table "trading_data"."deposit"`);
  }
}
