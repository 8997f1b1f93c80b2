import { Migration } from '@mikro-orm/migrations';

/**
 * Channel settings (a replica from auth and user events), notifications, one delivery per
 * external channel and its attempt log. New in-app notifications are announced on
 * `notification_data_new` (payload `<userId>:<notificationId>`) for the SSE streams of every replica.
 */
export class Notification extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "notification_data"."channel_settings" (
      "user_id" uuid primary key,
      "email" text null,
      "in_app" boolean not null default true,
      "email_enabled" boolean not null default true,
      "webhook_url" text null,
      "updated_at" timestamptz not null
    )`);
    this.addSql(`create table "notification_data"."notification" (
      "id" uuid primary key,
      "user_id" uuid not null,
      "kind" text not null,
      "title" text not null,
      "body" text not null,
      "data" jsonb not null,
      "in_app" boolean not null default true,
      "source_event_id" uuid not null unique,
      "read_at" timestamptz null,
      "created_at" timestamptz not null
    )`);
    this.addSql(`create index "notification_user" on "notification_data"."notification" ("user_id", "id") where "in_app"`);
    this.addSql(`create index "notification_user_unread" on "notification_data"."notification" ("user_id", "id") where "in_app" and "read_at" is null`);
    this.addSql(`create table "notification_data"."delivery" (
      "id" uuid primary key,
      "notification_id" uuid not null references "notification_data"."notification" ("id"),
      "user_id" uuid not null,
      "channel" text not null check ("channel" in ('email', 'webhook')),
      "target" text not null,
      "status" text not null default 'pending' check ("status" in ('pending', 'sent', 'failed')),
      "attempts" integer not null default 0,
      "last_error" text null,
      "next_attempt_at" timestamptz not null,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      unique ("notification_id", "channel")
    )`);
    this.addSql(`create index "delivery_due" on "notification_data"."delivery" ("next_attempt_at") where "status" = 'pending'`);
    this.addSql(`create index "delivery_user" on "notification_data"."delivery" ("user_id", "id")`);
    this.addSql(`create table "notification_data"."delivery_attempt" (
      "delivery_id" uuid not null references "notification_data"."delivery" ("id"),
      "attempt" integer not null,
      "at" timestamptz not null,
      "ok" boolean not null,
      "error" text null,
      primary key ("delivery_id", "attempt")
    )`);
    this.addSql(`create function "notification_data"."announce_notification"() returns trigger language plpgsql as $$
      begin
        if new."in_app" then
          perform pg_notify('notification_data_new', new."user_id"::text || ':' || new."id"::text);
        end if;
        return new;
      end $$`);
    this.addSql(`create trigger "notification_announce" after insert on "notification_data"."notification"
      for each row execute function "notification_data"."announce_notification"()`);
  }
}
