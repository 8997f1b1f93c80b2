import { Migration } from '@mikro-orm/migrations';

/** Replicas of the keys strategy owns (ARCHITECTURE.md §2); `updated_at` is the source's time, so stale events lose. */
export class Replicas extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "user_data"."instrument_ref" (
      "symbol" text primary key,
      "name" text not null,
      "exchange" text not null,
      "status" text not null check ("status" in ('listed', 'delisted')),
      "updated_at" timestamptz not null
    )`);
    this.addSql(`create table "user_data"."filter_ref" (
      "id" uuid primary key,
      "kind" text not null check ("kind" in ('numeric', 'categorical')),
      "key" text not null,
      "label" text not null,
      "status" text not null check ("status" in ('active', 'retired')),
      "updated_at" timestamptz not null
    )`);
  }
}
