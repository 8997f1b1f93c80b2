import { Migration } from '@mikro-orm/migrations';

/** Strategy specs (own or registered from published no-code workflows) and the backtest job queue with its results. */
export class StrategiesAndBacktests extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "strategy_data"."strategy" (
      "id" uuid primary key,
      "user_id" uuid not null,
      "name" text not null,
      "spec" jsonb not null,
      "source" text not null default 'api',
      "workflow_id" uuid,
      "workflow_version" integer,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "strategy_source_check" check ("source" in ('api', 'nocode')),
      constraint "strategy_workflow_check" check (("source" = 'nocode') = ("workflow_id" is not null and "workflow_version" is not null)),
      constraint "strategy_workflow_unique" unique ("workflow_id", "workflow_version")
    )`);
    this.addSql(`create index "strategy_user_idx" on "strategy_data"."strategy" ("user_id", "id")`);
    this.addSql(`create table "strategy_data"."strategy_rejection" (
      "workflow_id" uuid not null,
      "workflow_version" integer not null,
      "user_id" uuid not null,
      "name" text not null,
      "spec" jsonb not null,
      "errors" jsonb not null,
      "rejected_at" timestamptz not null default now(),
      primary key ("workflow_id", "workflow_version")
    )`);
    this.addSql(`create table "strategy_data"."backtest" (
      "id" uuid primary key,
      "user_id" uuid not null,
      "strategy_id" uuid not null references "strategy_data"."strategy" ("id"),
      "symbols" text[] not null,
      "from_date" date not null,
      "to_date" date not null,
      "initial_capital" numeric(24, 6) not null,
      "commission_bps" numeric(10, 4) not null,
      "slippage_bps" numeric(10, 4) not null,
      "execution_id" uuid,
      "status" text not null default 'queued',
      "locked_by" text,
      "locked_at" timestamptz,
      "attempts" integer not null default 0,
      "error" text,
      "created_at" timestamptz not null default now(),
      "started_at" timestamptz,
      "finished_at" timestamptz,
      constraint "backtest_status_check" check ("status" in ('queued', 'running', 'completed', 'failed')),
      constraint "backtest_dates_check" check ("from_date" <= "to_date"),
      constraint "backtest_capital_check" check ("initial_capital" > 0)
    )`);
    this.addSql(`create index "backtest_pending_idx" on "strategy_data"."backtest" ("created_at") where "status" in ('queued', 'running')`);
    this.addSql(`create index "backtest_user_idx" on "strategy_data"."backtest" ("user_id", "id")`);
    this.addSql(`create table "strategy_data"."backtest_result" (
      "backtest_id" uuid primary key references "strategy_data"."backtest" ("id"),
      "metrics" jsonb not null,
      "trades" jsonb not null,
      "equity_curve" jsonb not null,
      "created_at" timestamptz not null default now()
    )`);
  }
}
