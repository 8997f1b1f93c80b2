import { Migration } from '@mikro-orm/migrations';

/**
 * Bar imports (`POST /market/imports`): one row per accepted file, its progress written as it is
 * stored. The market feed may be `alpaca`: its settings and the API key sealed under strategy's own
 * key (ADR 0030); the plaintext key never reaches the database.
 */
export class MarketImportsAndAlpaca extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "strategy_data"."market_import" (
      "id" uuid primary key,
      "status" text not null,
      "timeframe" text not null,
      "layout" text not null,
      "symbols" text[] not null,
      "rows_total" int not null,
      "rows_stored" int not null default 0,
      "first_at" text not null,
      "last_at" text not null,
      "error" text,
      "created_by" uuid not null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      "finished_at" timestamptz,
      constraint "market_import_status_check" check ("status" in ('storing', 'completed', 'failed')),
      constraint "market_import_timeframe_check" check ("timeframe" in ('1Min', '1D'))
    )`);
    this.addSql(`create index "market_import_created_at_idx" on "strategy_data"."market_import" ("created_at")`);
    this.addSql(`alter table "strategy_data"."market_feed" drop constraint "market_feed_mode_check"`);
    this.addSql(`alter table "strategy_data"."market_feed" add constraint "market_feed_mode_check" check ("mode" in ('simulated', 'replay', 'alpaca', 'off'))`);
    this.addSql(`alter table "strategy_data"."market_feed"
      add column "alpaca" jsonb,
      add column "alpaca_credentials" text,
      add column "alpaca_credentials_key_id" text,
      add column "alpaca_key_last4" text,
      add constraint "market_feed_alpaca_check" check (("mode" = 'alpaca') = ("alpaca" is not null)),
      add constraint "market_feed_alpaca_credentials_check" check (("alpaca_credentials" is null) = ("alpaca_credentials_key_id" is null))`);
  }
}
