import { Migration } from '@mikro-orm/migrations';

/** risk's account state (active, reduce_only, halted) as trading keeps it: the highest version seen wins. */
export class AccountState extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "trading_data"."account"
      add column "status" text not null default 'active' check ("status" in ('active', 'reduce_only', 'halted')),
      add column "halt_reason" text null,
      add column "status_version" integer not null default 0`);
  }
}
