import { Migration } from '@mikro-orm/migrations';

/**
 * Stop, stop-limit and trailing-stop orders; ioc and fok (opg and cls are stored but not offered
 * yet). Which prices a type carries is a constraint, as the API's validation says (ADR 0036).
 */
export class OrderTypes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "trading_data"."order"
      drop constraint "order_type_check",
      add constraint "order_type_check" check ("type" in ('market', 'limit', 'stop', 'stop_limit', 'trailing_stop')),
      drop constraint "order_time_in_force_check",
      add constraint "order_time_in_force_check" check ("time_in_force" in ('day', 'gtc', 'ioc', 'fok', 'opg', 'cls')),
      add column "stop_price" numeric(38, 8) null check ("stop_price" > 0),
      add column "trail_price" numeric(38, 8) null check ("trail_price" > 0),
      add column "trail_percent" numeric(38, 8) null check ("trail_percent" > 0 and "trail_percent" < 100),
      add constraint "order_prices_of_type" check (
        ("type" in ('limit', 'stop_limit')) = ("limit_price" is not null)
        and ("type" in ('stop', 'stop_limit')) = ("stop_price" is not null)
        and (case when "type" = 'trailing_stop' then ("trail_price" is null) <> ("trail_percent" is null)
                  else "trail_price" is null and "trail_percent" is null end))`);
  }
}
