import { Migration } from '@mikro-orm/migrations';

/**
 * Stop, stop-limit and trailing-stop orders and the time in force (trading.order.routed v2). A
 * stop rests untriggered until the last trade reaches its trigger; a trailing stop keeps `mark`,
 * the best last price since it was accepted (highest for a sell, lowest for a buy) (ADR 0036).
 */
export class StopOrders extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "broker_data"."venue_order"
      drop constraint "venue_order_type_check",
      add constraint "venue_order_type_check" check ("type" in ('market', 'limit', 'stop', 'stop_limit', 'trailing_stop')),
      add column "time_in_force" text null check ("time_in_force" in ('day', 'gtc', 'ioc', 'fok', 'opg', 'cls')),
      add column "stop_price" numeric(38, 8) null check ("stop_price" > 0),
      add column "trail_price" numeric(38, 8) null check ("trail_price" > 0),
      add column "trail_percent" numeric(38, 8) null check ("trail_percent" > 0 and "trail_percent" < 100),
      add column "mark" numeric(38, 8) null check ("mark" > 0),
      add column "triggered_at" timestamptz null`);
    this.addSql(`create index "venue_order_stops" on "broker_data"."venue_order" ("symbol") where "status" = 'open' and "triggered_at" is null and "type" in ('stop', 'stop_limit', 'trailing_stop')`);
  }
}
