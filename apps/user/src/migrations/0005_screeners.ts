import { Migration } from '@mikro-orm/migrations';

export class Screeners extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "user_data"."custom_screener" (
      "id" uuid primary key,
      "user_id" uuid not null,
      "name" text not null,
      "disabled_reason" text,
      "created_at" timestamptz not null default now(),
      constraint "custom_screener_user_name_key" unique ("user_id", "name")
    )`);
    this.addSql(`create table "user_data"."custom_screener_numeric" (
      "screener_id" uuid not null references "user_data"."custom_screener" ("id") on delete cascade,
      "numeric_filter_id" uuid not null,
      "position" smallint not null,
      "min" numeric,
      "max" numeric,
      primary key ("screener_id", "numeric_filter_id"),
      constraint "custom_screener_numeric_filter_fkey" foreign key ("numeric_filter_id") references "user_data"."filter_ref" ("id"),
      constraint "custom_screener_numeric_range_check" check ("min" is null or "max" is null or "min" <= "max")
    )`);
    this.addSql(`create table "user_data"."custom_screener_categorical" (
      "screener_id" uuid not null references "user_data"."custom_screener" ("id") on delete cascade,
      "categorical_filter_id" uuid not null,
      "position" smallint not null,
      "values" text[] not null check (cardinality("values") > 0),
      primary key ("screener_id", "categorical_filter_id"),
      constraint "custom_screener_categorical_filter_fkey" foreign key ("categorical_filter_id") references "user_data"."filter_ref" ("id")
    )`);
    this.addSql(`create index "custom_screener_numeric_filter_idx" on "user_data"."custom_screener_numeric" ("numeric_filter_id")`);
    this.addSql(`create index "custom_screener_categorical_filter_idx" on "user_data"."custom_screener_categorical" ("categorical_filter_id")`);
  }
}
