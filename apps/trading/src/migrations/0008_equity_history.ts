import { Migration } from '@mikro-orm/migrations';

/**
 * The equity history (ADR 0037): a point per account when its equity or cash changed, at
 * 1-minute resolution (kept TRADING_EQUITY_MINUTE_RETENTION_DAYS) and at each XNYS close (kept
 * forever), and the one-row state the sweep that writes them takes with SKIP LOCKED. The runtime
 * user gets DML on both through the schema's default privileges, as on every other table.
 */
export class EquityHistory extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "trading_data"."equity_point" (
      "user_id" uuid not null,
      "timeframe" text not null check ("timeframe" in ('1Min', '1D')),
      "at" timestamptz not null,
      "equity" numeric(38, 8) not null,
      "cash" numeric(38, 8) not null,
      "net_deposits" numeric(38, 8) not null,
      primary key ("user_id", "timeframe", "at")
    )`);
    this.addSql(`create index "equity_point_minute_at" on "trading_data"."equity_point" ("at") where "timeframe" = '1Min'`);
    this.addSql(`create table "trading_data"."equity_sweep" (
      "id" smallint primary key check ("id" = 1),
      "minute_at" timestamptz null,
      "close_at" timestamptz null
    )`);
    // What the sweep asks each minute: which accounts changed (a ledger write moves updated_at),
    // which held positions a new price touched, and an account's deposits and withdrawals.
    this.addSql(`create index "account_updated_at" on "trading_data"."account" ("updated_at")`);
    this.addSql(`create index "position_held_symbol" on "trading_data"."position" ("symbol") where "quantity" > 0`);
    this.addSql(`create index "instrument_ref_price_at" on "trading_data"."instrument_ref" ("price_at")`);
    this.addSql(`create index "activity_cash_flow" on "trading_data"."activity" ("user_id", "at") where "type" in ('deposit', 'withdrawal')`);
  }
}
