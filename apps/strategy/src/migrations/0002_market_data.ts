import { Migration } from '@mikro-orm/migrations';

/** The numeric and categorical columns a screen may filter on; each gets a partial index over listed rows. */
const SCREENED_COLUMNS = ['market_cap', 'pe_ratio', 'last_price', 'volume', 'change_1d_pct', 'sector', 'exchange', 'country'];

export class MarketData extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "strategy_data"."stock" (
      "symbol" text primary key,
      "name" text not null,
      "exchange" text not null,
      "sector" text,
      "industry" text,
      "country" text,
      "currency" char(3) not null,
      "market_cap" numeric(24, 2) not null,
      "pe_ratio" numeric(12, 4),
      "status" text not null default 'listed',
      "last_price" numeric(20, 6),
      "change_1d_pct" numeric, -- percent, rounded to 4 places on write; unbounded, as a price may move by any factor
      "volume" bigint,
      "listed_at" timestamptz not null default now(),
      "delisted_at" timestamptz,
      "updated_at" timestamptz not null default now(),
      constraint "stock_symbol_check" check ("symbol" ~ '^[A-Z][A-Z0-9.-]{0,14}$'),
      constraint "stock_status_check" check ("status" in ('listed', 'delisted')),
      constraint "stock_delisted_check" check (("status" = 'delisted') = ("delisted_at" is not null)),
      constraint "stock_market_cap_check" check ("market_cap" >= 0),
      constraint "stock_last_price_check" check ("last_price" > 0),
      constraint "stock_volume_check" check ("volume" >= 0)
    )`);
    for (const c of SCREENED_COLUMNS) {
      this.addSql(`create index "stock_${c}_listed_idx" on "strategy_data"."stock" ("${c}") where "status" = 'listed'`);
    }
    this.addSql(`create table "strategy_data"."stock_history" (
      "symbol" text not null references "strategy_data"."stock" ("symbol"),
      "date" date not null,
      "open" numeric(20, 6) not null,
      "high" numeric(20, 6) not null,
      "low" numeric(20, 6) not null,
      "close" numeric(20, 6) not null,
      "volume" bigint not null,
      primary key ("symbol", "date"),
      constraint "stock_history_prices_check" check ("low" > 0 and "low" <= least("open", "close") and "high" >= greatest("open", "close")),
      constraint "stock_history_volume_check" check ("volume" >= 0)
    )`);
    this.addSql(`create table "strategy_data"."blacklist" (
      "symbol" text primary key references "strategy_data"."stock" ("symbol"),
      "reason" text,
      "added_by" uuid not null,
      "added_at" timestamptz not null default now()
    )`);
    this.addSql(`create table "strategy_data"."numeric_filter" (
      "id" uuid primary key,
      "key" text not null unique,
      "label" text not null,
      "column_name" text not null,
      "value_type" text not null,
      "unit" text,
      "status" text not null default 'active',
      "announced_at" timestamptz,
      constraint "numeric_filter_column_check" check ("column_name" in ('market_cap', 'pe_ratio', 'last_price', 'volume', 'change_1d_pct')),
      constraint "numeric_filter_value_type_check" check ("value_type" in ('decimal', 'integer')),
      constraint "numeric_filter_status_check" check ("status" in ('active', 'retired'))
    )`);
    this.addSql(`create table "strategy_data"."categorical_filter" (
      "id" uuid primary key,
      "key" text not null unique,
      "label" text not null,
      "column_name" text not null,
      "status" text not null default 'active',
      "announced_at" timestamptz,
      constraint "categorical_filter_column_check" check ("column_name" in ('sector', 'exchange', 'country')),
      constraint "categorical_filter_status_check" check ("status" in ('active', 'retired'))
    )`);
    this.addSql(`create table "strategy_data"."screener" (
      "id" uuid primary key,
      "name" text not null unique,
      "description" text not null,
      "created_at" timestamptz not null default now()
    )`);
    this.addSql(`create table "strategy_data"."screener_numeric" (
      "screener_id" uuid not null references "strategy_data"."screener" ("id") on delete cascade,
      "numeric_filter_id" uuid not null references "strategy_data"."numeric_filter" ("id"),
      "min" numeric,
      "max" numeric,
      primary key ("screener_id", "numeric_filter_id"),
      constraint "screener_numeric_range_check" check ("min" is null or "max" is null or "min" <= "max")
    )`);
    this.addSql(`create table "strategy_data"."screener_categorical" (
      "screener_id" uuid not null references "strategy_data"."screener" ("id") on delete cascade,
      "categorical_filter_id" uuid not null references "strategy_data"."categorical_filter" ("id"),
      "values" text[] not null check (cardinality("values") > 0),
      primary key ("screener_id", "categorical_filter_id")
    )`);
  }
}
