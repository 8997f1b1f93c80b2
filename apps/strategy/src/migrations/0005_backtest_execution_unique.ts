import { Migration } from '@mikro-orm/migrations';

/** A no-code execution is the run of one backtest: a second backtest naming it is refused. */
export class BacktestExecutionUnique extends Migration {
  override async up(): Promise<void> {
    // Before this, any user could name any execution (ADR 0017); nocode names its own once, first, so later namings lose the link.
    this.addSql(`update "strategy_data"."backtest" b set "execution_id" = null
      where "execution_id" is not null and exists (
        select 1 from "strategy_data"."backtest" o where o."execution_id" = b."execution_id" and (o."created_at", o."id") < (b."created_at", b."id"))`);
    this.addSql(`create unique index "backtest_execution_key" on "strategy_data"."backtest" ("execution_id") where "execution_id" is not null`);
    this.addSql(`create index "backtest_active_user_idx" on "strategy_data"."backtest" ("user_id") where "status" in ('queued', 'running')`);
  }
}
