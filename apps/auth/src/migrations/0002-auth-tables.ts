import { Migration } from '@mikro-orm/migrations';

const s = '"auth_data"';

/** Accounts, refresh-token families, signing keys, login failures and the audit trail. */
export class CreateAuthTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table ${s}."user_account" (
      "id" uuid primary key,
      "email" text not null unique check ("email" = lower("email")),
      "password_hash" text not null,
      "display_name" text,
      "roles" text[] not null check (cardinality("roles") > 0 and "roles" <@ array['trader', 'compliance', 'admin']),
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null
    )`);

    this.addSql(`create table ${s}."refresh_token_family" (
      "id" uuid primary key,
      "user_id" uuid not null references ${s}."user_account" ("id") on delete cascade,
      "created_at" timestamptz not null,
      "revoked_at" timestamptz,
      "revoked_reason" text check ("revoked_reason" in ('logout', 'reuse_detected')),
      check (("revoked_at" is null) = ("revoked_reason" is null))
    )`);
    this.addSql(`create index "refresh_token_family_user_idx" on ${s}."refresh_token_family" ("user_id")`);
    // Only the SHA-256 of a refresh token is stored; the token itself exists only at the client.
    this.addSql(`create table ${s}."refresh_token" (
      "id" uuid primary key,
      "family_id" uuid not null references ${s}."refresh_token_family" ("id") on delete cascade,
      "token_hash" text not null unique check ("token_hash" ~ '^[0-9a-f]{64}$'),
      "issued_at" timestamptz not null,
      "expires_at" timestamptz not null,
      "spent_at" timestamptz
    )`);
    this.addSql(`create index "refresh_token_family_idx" on ${s}."refresh_token" ("family_id")`);

    this.addSql(`create table ${s}."signing_key" (
      "kid" text primary key,
      "algorithm" text not null check ("algorithm" = 'RS256'),
      "public_jwk" jsonb not null,
      "sealed_private_key" text not null,
      "created_at" timestamptz not null,
      "retired_at" timestamptz
    )`);
    this.addSql(`create unique index "signing_key_one_active" on ${s}."signing_key" ((true)) where "retired_at" is null`);

    // A row per failed (or still running) login attempt; successful logins clear their account's rows.
    this.addSql(`create table ${s}."login_failure" (
      "id" bigserial primary key,
      "email" text not null,
      "ip" text not null,
      "failed_at" timestamptz not null default now(),
      "account_cleared" boolean not null default false
    )`);
    this.addSql(`create index "login_failure_email_idx" on ${s}."login_failure" ("email", "failed_at")`);
    this.addSql(`create index "login_failure_ip_idx" on ${s}."login_failure" ("ip", "failed_at")`);
    this.addSql(`create index "login_failure_time_idx" on ${s}."login_failure" ("failed_at")`);

    this.addSql(`create table ${s}."audit_log" (
      "id" bigserial primary key,
      "at" timestamptz not null default now(),
      "action" text not null,
      "actor_id" uuid,
      "subject_id" uuid,
      "ip" text,
      "detail" jsonb not null default '{}'
    )`);
    this.addSql(`create index "audit_log_subject_idx" on ${s}."audit_log" ("subject_id", "at")`);
    // The runtime user may add to the trail, never rewrite it.
    this.addSql(`create function ${s}."audit_log_append_only"() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only'; end $$`);
    this.addSql(`create trigger "audit_log_append_only" before update or delete on ${s}."audit_log"
      for each row execute function ${s}."audit_log_append_only"()`);
  }
}
