import { Migration } from '@mikro-orm/migrations';

export class Workflows extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "nocode_data"."template" (
      "id" text primary key,
      "name" text not null,
      "description" text not null,
      "graph" jsonb not null,
      "created_at" timestamptz not null default now()
    )`);
    this.addSql(`create table "nocode_data"."workflow" (
      "id" uuid primary key,
      "user_id" uuid not null,
      "name" text not null,
      "current_version" integer not null check ("current_version" >= 1),
      "created_at" timestamptz not null default now()
    )`);
    this.addSql(`create index "workflow_user_idx" on "nocode_data"."workflow" ("user_id", "created_at")`);
    this.addSql(`create table "nocode_data"."workflow_version" (
      "workflow_id" uuid not null references "nocode_data"."workflow" ("id") on delete cascade,
      "version" integer not null check ("version" >= 1),
      "graph" jsonb not null,
      "created_at" timestamptz not null default now(),
      constraint "workflow_version_pkey" primary key ("workflow_id", "version")
    )`);
    this.addSql(`create table "nocode_data"."execution" (
      "id" uuid primary key,
      "workflow_id" uuid not null,
      "version" integer not null,
      "status" text not null check ("status" in ('queued', 'running', 'completed', 'failed')),
      "backtest_id" uuid,
      "metrics" jsonb,
      "error" text,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      constraint "execution_version_fkey" foreign key ("workflow_id", "version") references "nocode_data"."workflow_version" ("workflow_id", "version") on delete cascade
    )`);
    this.addSql(`create index "execution_workflow_idx" on "nocode_data"."execution" ("workflow_id", "created_at")`);
  }
}
