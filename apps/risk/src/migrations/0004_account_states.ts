import { Migration } from '@mikro-orm/migrations';

/**
 * Account states (kill switch, compliance halts, loss-limit halts) and what the loss limits are
 * computed from: the last price of each symbol with the one before the UTC day, the realized
 * P&L and the start-of-day position of each exposure, and each account's drawdown peaks.
 */
export class AccountStates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "risk_data"."account_state" (
      "user_id" uuid primary key,
      "state" text not null check ("state" in ('active', 'reduce_only', 'halted')),
      "reason" text not null,
      "trigger" text not null check ("trigger" in ('owner', 'compliance', 'daily_loss_limit', 'max_drawdown')),
      "actor" text not null,
      "cancel_open_orders" boolean not null,
      "flatten" boolean not null,
      "version" integer not null check ("version" > 0),
      "changed_at" timestamptz not null,
      "loss_halted_on" date null,
      "drawdown_epoch" integer not null default 0 check ("drawdown_epoch" >= 0)
    )`);
    this.addSql(`create table "risk_data"."account_pnl" (
      "user_id" uuid primary key,
      "epoch" integer not null,
      "pnl_peak" numeric(38, 8) not null,
      "capital_peak" numeric(38, 8) not null check ("capital_peak" >= 0),
      "updated_at" timestamptz not null
    )`);
    this.addSql(`create table "risk_data"."market_price" (
      "symbol" text primary key,
      "price" numeric(38, 8) not null check ("price" > 0),
      "at" timestamptz not null,
      "day_start_price" numeric(38, 8) null check ("day_start_price" > 0)
    )`);
    this.addSql(`alter table "risk_data"."exposure"
      add column "realized_pnl" numeric(38, 8) null,
      add column "day_start_quantity" numeric(38, 8) null,
      add column "day_start_avg_price" numeric(38, 8) null,
      add column "day_start_realized_pnl" numeric(38, 8) null`);
    this.addSql(`create index "exposure_symbol_held" on "risk_data"."exposure" ("symbol") where "quantity" <> 0`);
    this.addSql(`alter table "risk_data"."risk_limit"
      add column "daily_loss_limit" numeric(38, 8) null check ("daily_loss_limit" > 0),
      add column "max_drawdown_pct" numeric(7, 4) null check ("max_drawdown_pct" > 0 and "max_drawdown_pct" <= 100)`);
  }
}
