/** DDL for a service's outbox and inbox; each service's first migration runs it in its own schema. */
export const messagingTablesSql = (schema: string): string[] => [
  `create table if not exists "${schema}"."outbox" (
     "id" bigserial primary key,
     "event_id" uuid not null unique,
     "topic" text not null,
     "aggregate_key" text not null,
     "shard" smallint not null,
     "event_type" text not null,
     "headers" jsonb not null,
     "payload" jsonb not null,
     "created_at" timestamptz not null default now(),
     "sent_at" timestamptz
   )`,
  `create index if not exists "outbox_pending_idx" on "${schema}"."outbox" ("shard", "id") where "sent_at" is null`,
  `create or replace function "${schema}"."outbox_notify"() returns trigger language plpgsql as $$
   begin perform pg_notify('${schema}_outbox', ''); return null; end $$`,
  `drop trigger if exists "outbox_notify" on "${schema}"."outbox"`,
  `create trigger "outbox_notify" after insert on "${schema}"."outbox" for each statement execute function "${schema}"."outbox_notify"()`,
  `create table if not exists "${schema}"."inbox" (
     "event_id" uuid not null,
     "consumer" text not null,
     "event_type" text not null,
     "received_at" timestamptz not null default now(),
     primary key ("event_id", "consumer")
   )`,
];

/** Dead letters published again, one row per `.dlq` message, so a second redrive publishes nothing. */
export const deadLetterRedrivesSql = (schema: string): string[] => [
  `create table if not exists "${schema}"."dead_letter_redrive" (
     "dlq_topic" text not null,
     "dlq_partition" int not null,
     "dlq_offset" bigint not null,
     "topic" text not null,
     "event_id" text,
     "redriven_by" text not null,
     "redriven_at" timestamptz not null default now(),
     primary key ("dlq_topic", "dlq_partition", "dlq_offset")
   )`,
];

/**
 * Poison containment, relay dead letters and inbox retention: per consumer group and partition
 * the range of offsets begun and not finished (and how often); outbox rows Kafka refused for
 * good; an index for purging old inbox rows.
 */
export const resilienceSql = (schema: string): string[] => [
  `create table if not exists "${schema}"."consumer_attempt" (
     "group_id" text not null,
     "topic" text not null,
     "partition" int not null,
     "first_offset" bigint not null,
     "last_offset" bigint not null,
     "attempts" int not null,
     "updated_at" timestamptz not null default now(),
     primary key ("group_id", "topic", "partition")
   )`,
  `create table if not exists "${schema}"."outbox_dead_letter" (
     "id" bigint primary key,
     "event_id" uuid not null,
     "topic" text not null,
     "aggregate_key" text not null,
     "event_type" text not null,
     "headers" jsonb not null,
     "payload" jsonb not null,
     "created_at" timestamptz not null,
     "error" text not null,
     "dead_lettered_at" timestamptz not null default now()
   )`,
  `create index if not exists "inbox_received_at_idx" on "${schema}"."inbox" ("received_at")`,
];
