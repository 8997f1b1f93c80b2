import { Migration } from '@mikro-orm/migrations';

/**
 * What a tracked order still has to sell: its symbol, side and quantity from the submission,
 * its filled quantity from the position changes that name it. Null for orders tracked before.
 */
export class OrderSides extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "risk_data"."order_track"
      add column "symbol" text null,
      add column "side" text null check ("side" in ('buy', 'sell')),
      add column "quantity" numeric(38, 8) null check ("quantity" > 0),
      add column "filled_quantity" numeric(38, 8) not null default 0 check ("filled_quantity" >= 0)`);
    this.addSql(`create index "order_track_open_sells" on "risk_data"."order_track" ("user_id", "symbol") where "open" and "side" = 'sell'`);
  }
}
