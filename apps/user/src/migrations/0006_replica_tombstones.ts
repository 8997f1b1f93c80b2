import { Migration } from '@mikro-orm/migrations';

/**
 * A delisting or retirement of a key never seen is kept as a tombstone (ADR 0032): a row with its
 * time and none of the facts, so a listing or definition older than it, delivered after it, loses.
 * A live row still carries every fact.
 */
export class ReplicaTombstones extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "user_data"."instrument_ref"
      alter column "name" drop not null,
      alter column "exchange" drop not null,
      add constraint "instrument_ref_listed_facts" check ("status" = 'delisted' or ("name" is not null and "exchange" is not null))`);
    this.addSql(`alter table "user_data"."filter_ref"
      alter column "kind" drop not null,
      alter column "key" drop not null,
      alter column "label" drop not null,
      add constraint "filter_ref_active_facts" check ("status" = 'retired' or ("kind" is not null and "key" is not null and "label" is not null))`);
  }
}
