import { Migration } from '@mikro-orm/migrations';

/**
 * 1-minute bars in a table partitioned by month (ADR 0025). The runtime role runs no DDL, so the
 * partitions are made by `maintain_intraday_bar_partitions`, a SECURITY DEFINER function of the
 * owner that does only that: months from `keep_months` back to `ahead_months` ahead exist, rows
 * that had landed in the DEFAULT partition move into their month, and older months are dropped.
 * The migration calls it once; the service calls it at start and daily.
 */
export class IntradayBarsAndMarketFeed extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "strategy_data"."intraday_bar" (
      "symbol" text not null references "strategy_data"."stock" ("symbol"),
      "start" timestamptz not null,
      "open" numeric(20, 6) not null,
      "high" numeric(20, 6) not null,
      "low" numeric(20, 6) not null,
      "close" numeric(20, 6) not null,
      "volume" bigint not null,
      primary key ("symbol", "start"),
      constraint "intraday_bar_prices_check" check ("low" > 0 and "low" <= least("open", "close") and "high" >= greatest("open", "close")),
      constraint "intraday_bar_volume_check" check ("volume" >= 0),
      constraint "intraday_bar_minute_check" check (date_trunc('minute', "start") = "start")
    ) partition by range ("start")`);
    this.addSql(`create table "strategy_data"."intraday_bar_default" partition of "strategy_data"."intraday_bar" default`);
    this.addSql(`create function "strategy_data"."maintain_intraday_bar_partitions"(keep_months int, ahead_months int)
      returns table (action text, partition text)
      language plpgsql security definer set search_path = pg_catalog, pg_temp as $fn$
      declare
        first_month date := date_trunc('month', now() at time zone 'UTC')::date - make_interval(months => keep_months);
        m date;
        name text;
        p record;
      begin
        if keep_months < 1 or ahead_months < 1 or keep_months > 240 or ahead_months > 24 then
          raise exception 'keep_months must be 1..240 and ahead_months 1..24';
        end if;
        perform pg_advisory_xact_lock(hashtext('alphintra:intraday_bar:partitions'));
        for p in
          select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = '"strategy_data"."intraday_bar"'::regclass and c.relname ~ '^intraday_bar_\\d{6}$'
            and to_date(substr(c.relname, 14), 'YYYYMM') < first_month
        loop
          execute format('drop table "strategy_data".%I', p.relname);
          action := 'dropped'; partition := p.relname; return next;
        end loop;
        m := first_month;
        while m <= date_trunc('month', now() at time zone 'UTC')::date + make_interval(months => ahead_months) loop
          name := 'intraday_bar_' || to_char(m, 'YYYYMM');
          if to_regclass(format('"strategy_data".%I', name)) is null then
            execute format('create table "strategy_data".%I (like "strategy_data"."intraday_bar" including defaults including constraints)', name);
            execute format('insert into "strategy_data".%I select * from "strategy_data"."intraday_bar_default" where "start" >= %L::timestamptz and "start" < %L::timestamptz',
              name, m::text || ' 00:00Z', (m + interval '1 month')::date::text || ' 00:00Z');
            execute format('delete from "strategy_data"."intraday_bar_default" where "start" >= %L::timestamptz and "start" < %L::timestamptz',
              m::text || ' 00:00Z', (m + interval '1 month')::date::text || ' 00:00Z');
            execute format('alter table "strategy_data"."intraday_bar" attach partition "strategy_data".%I for values from (%L) to (%L)',
              name, m::text || ' 00:00Z', (m + interval '1 month')::date::text || ' 00:00Z');
            action := 'created'; partition := name; return next;
          end if;
          m := (m + interval '1 month')::date;
        end loop;
      end $fn$`);
    this.addSql(`select * from "strategy_data"."maintain_intraday_bar_partitions"(24, 3)`);
    this.addSql(`create table "strategy_data"."latest_quote" (
      "symbol" text primary key references "strategy_data"."stock" ("symbol"),
      "bid" numeric(20, 6) not null,
      "bid_size" bigint not null,
      "ask" numeric(20, 6) not null,
      "ask_size" bigint not null,
      "last" numeric(20, 6) not null,
      "last_size" bigint,
      "at" timestamptz not null
    )`);
    this.addSql(`create table "strategy_data"."market_feed" (
      "id" smallint primary key default 1 check ("id" = 1),
      "mode" text not null,
      "seed" bigint,
      "speed" int not null,
      "replay_from" date,
      "revision" int not null default 1,
      "changed_by" uuid,
      "changed_at" timestamptz not null default now(),
      "holder" uuid,
      "lease_until" timestamptz,
      constraint "market_feed_mode_check" check ("mode" in ('simulated', 'replay', 'off')),
      constraint "market_feed_speed_check" check ("speed" between 1 and 60),
      constraint "market_feed_replay_check" check (("mode" = 'replay') = ("replay_from" is not null)),
      constraint "market_feed_seed_check" check (("mode" = 'simulated') = ("seed" is not null))
    )`);
  }
}
