import { Migration } from '@mikro-orm/migrations';

export class Watchlists extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "user_data"."custom_collection" (
      "id" uuid primary key,
      "user_id" uuid not null,
      "name" text not null,
      "created_at" timestamptz not null default now(),
      constraint "custom_collection_user_name_key" unique ("user_id", "name")
    )`);
    this.addSql(`create table "user_data"."custom_collection_stock" (
      "collection_id" uuid not null references "user_data"."custom_collection" ("id") on delete cascade,
      "stock_symbol" text not null,
      "status" text not null default 'active' check ("status" in ('active', 'delisted')),
      "added_at" timestamptz not null default now(),
      constraint "custom_collection_stock_pkey" primary key ("collection_id", "stock_symbol"),
      constraint "custom_collection_stock_symbol_fkey" foreign key ("stock_symbol") references "user_data"."instrument_ref" ("symbol")
    )`);
    this.addSql(`create index "custom_collection_stock_symbol_idx" on "user_data"."custom_collection_stock" ("stock_symbol")`);
  }
}
