import { Migration } from '@mikro-orm/migrations';

/** The worst price a venue order may fill at (null: routed before trading sent one). */
export class WorstPrice extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "broker_data"."venue_order" add column "worst_price" numeric(38, 8) null check ("worst_price" > 0)`);
  }
}
