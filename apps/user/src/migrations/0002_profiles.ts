import { Migration } from '@mikro-orm/migrations';

export class Profiles extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "user_data"."profile" (
      "user_id" uuid primary key,
      "email" text not null,
      "display_name" text,
      "country" text check ("country" ~ '^[A-Z]{2}$'),
      "base_currency" text not null check ("base_currency" ~ '^[A-Z]{3}$'),
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now()
    )`);
    this.addSql(`create table "user_data"."preferences" (
      "user_id" uuid primary key references "user_data"."profile" ("user_id") on delete cascade,
      "notify_in_app" boolean not null,
      "notify_email" boolean not null,
      "webhook_url" text,
      "updated_at" timestamptz not null default now()
    )`);
  }
}
