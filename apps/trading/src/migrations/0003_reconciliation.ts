import { Migration } from '@mikro-orm/migrations';

/** trading's view for reconciliation (ADR 0011): its orders at the venue, with their executions. */
export class Reconciliation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "order_at_venue" on "trading_data"."order" ("id") where "status" in ('routed', 'partially_filled', 'cancel_requested')`);
    this.addSql(`create index "execution_order" on "trading_data"."execution" ("order_id")`);
  }
}
