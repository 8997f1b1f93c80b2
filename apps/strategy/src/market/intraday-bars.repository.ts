import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@alphintra/platform-database';
import type { MarketBar } from './bar-aggregator';
import type { Quote } from './simulated-market';

export interface IntradayBarRow {
  start: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

const BAR_COLUMNS = `to_char("start" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "start", "open"::text as "open", "high"::text as "high", "low"::text as "low", "close"::text as "close", "volume"::text as "volume"`;

/** 1Min bars given as one JSON array, of listed symbols only; each caller says what a stored minute becomes. */
const UPSERT_MINUTE_BARS = `insert into "strategy_data"."intraday_bar" ("symbol", "start", "open", "high", "low", "close", "volume")
  select r."symbol", to_timestamp(r."start" / 1000.0), r."open", r."high", r."low", r."close", r."volume"
  from jsonb_to_recordset($1::jsonb) as r("symbol" text, "start" bigint, "open" numeric, "high" numeric, "low" numeric, "close" numeric, "volume" bigint)
  where exists (select 1 from "strategy_data"."stock" s where s."symbol" = r."symbol")
  on conflict ("symbol", "start") do update set`;

/** Every statement on the intraday bar and latest quote tables. */
@Injectable()
export class IntradayBarsRepository {
  constructor(private readonly em: EntityManager) {}

  /** Stores closed 1Min bars; a minute stored before (a feed restarted within it) is merged with it. */
  async insertMinuteBars(bars: MarketBar[]): Promise<void> {
    if (!bars.length) return;
    await query(
      this.em.fork(),
      `${UPSERT_MINUTE_BARS}
         "high" = greatest("intraday_bar"."high", excluded."high"), "low" = least("intraday_bar"."low", excluded."low"),
         "close" = excluded."close", "volume" = "intraday_bar"."volume" + excluded."volume"`,
      [JSON.stringify(bars)],
    );
  }

  /** Whole 1Min bars from a remote feed: a stored minute is replaced, not merged. */
  async replaceMinuteBars(bars: MarketBar[]): Promise<void> {
    if (!bars.length) return;
    await query(
      this.em.fork(),
      `${UPSERT_MINUTE_BARS}
         "open" = excluded."open", "high" = excluded."high", "low" = excluded."low", "close" = excluded."close", "volume" = excluded."volume"`,
      [JSON.stringify(bars)],
    );
  }

  /** The start (epoch ms) of each symbol's newest stored 1Min bar. */
  async latestMinutes(symbols: string[]): Promise<Map<string, number>> {
    const rows = await query<{ symbol: string; start: string | null }>(
      this.em.fork(),
      `select s."symbol", (select (extract(epoch from max(b."start")) * 1000)::bigint::text from "strategy_data"."intraday_bar" b where b."symbol" = s."symbol") as "start"
       from unnest($1::text[]) as s("symbol")`,
      [symbols],
    );
    return new Map(rows.filter((r) => r.start !== null).map((r) => [r.symbol, Number(r.start)]));
  }

  /** Listed instruments among `symbols`, or all of them. */
  async listedSymbols(symbols?: string[]): Promise<string[]> {
    const rows = await query<{ symbol: string }>(
      this.em.fork(),
      `select "symbol" from "strategy_data"."stock" where "status" = 'listed' and ($1::text[] is null or "symbol" = any($1::text[])) order by "symbol"`,
      [symbols ?? null],
    );
    return rows.map((r) => r.symbol);
  }

  /** Bars of `minutes` minutes from the stored 1Min bars in [from, to), after `after`, oldest first. */
  list(symbol: string, minutes: number, from: Date | null, to: Date | null, after: Date | null, limit: number): Promise<IntradayBarRow[]> {
    const range = `"symbol" = $1 and ($2::timestamptz is null or "start" >= $2) and ($3::timestamptz is null or "start" < $3)`;
    if (minutes === 1) {
      return query(
        this.em,
        `select ${BAR_COLUMNS} from "strategy_data"."intraday_bar" where ${range} and ($4::timestamptz is null or "start" > $4) order by "start" limit $5`,
        [symbol, from, to, after, limit],
      );
    }
    return query(
      this.em,
      `with b as (
         select date_bin(make_interval(mins => $6), "start", timestamptz '2000-01-01 00:00Z') as "start",
                (array_agg("open" order by "start"))[1] as "open", max("high") as "high", min("low") as "low",
                (array_agg("close" order by "start" desc))[1] as "close", sum("volume") as "volume"
         from "strategy_data"."intraday_bar" where ${range} group by 1)
       select ${BAR_COLUMNS} from b where ($4::timestamptz is null or "start" > $4) order by "start" limit $5`,
      [symbol, from, to, after, limit, minutes],
    );
  }

  /** Stored 1Min bars of every symbol from `from`, in time then symbol order, for replay. */
  replayPage(from: Date, after: { start: Date; symbol: string } | null, limit: number): Promise<(IntradayBarRow & { symbol: string })[]> {
    return query(
      this.em.fork(),
      `select "symbol", ${BAR_COLUMNS} from "strategy_data"."intraday_bar"
       where "start" >= $1 and ($2::timestamptz is null or ("start", "symbol") > ($2, $3::text))
       order by "start", "symbol" limit $4`,
      [from, after?.start ?? null, after?.symbol ?? null, limit],
    );
  }

  /** Creates the months ahead and drops those past retention, as the owner (ADR 0025). */
  maintainPartitions(keepMonths: number, aheadMonths = 3): Promise<{ action: string; partition: string }[]> {
    return query(this.em.fork(), `select * from "strategy_data"."maintain_intraday_bar_partitions"($1, $2)`, [keepMonths, aheadMonths]);
  }

  async saveQuotes(quotes: Quote[]): Promise<void> {
    if (!quotes.length) return;
    await query(
      this.em.fork(),
      `insert into "strategy_data"."latest_quote" ("symbol", "bid", "bid_size", "ask", "ask_size", "last", "last_size", "at")
       select r."symbol", r."bid", r."bidSize", r."ask", r."askSize", r."last", r."lastSize", r."at"
       from jsonb_to_recordset($1::jsonb) as r("symbol" text, "bid" numeric, "bidSize" bigint, "ask" numeric, "askSize" bigint, "last" numeric, "lastSize" bigint, "at" timestamptz)
       where exists (select 1 from "strategy_data"."stock" s where s."symbol" = r."symbol")
       on conflict ("symbol") do update set "bid" = excluded."bid", "bid_size" = excluded."bid_size", "ask" = excluded."ask", "ask_size" = excluded."ask_size",
         "last" = excluded."last", "last_size" = excluded."last_size", "at" = excluded."at"
       where "latest_quote"."at" <= excluded."at"`,
      [JSON.stringify(quotes)],
    );
  }

  quotes(symbols: string[]): Promise<Quote[]> {
    return query(
      this.em,
      `select "symbol", "bid"::text as "bid", "bid_size"::text as "bidSize", "ask"::text as "ask", "ask_size"::text as "askSize", "last"::text as "last",
              "last_size"::text as "lastSize", to_char("at" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "at"
       from "strategy_data"."latest_quote" where "symbol" = any($1::text[]) order by "symbol"`,
      [symbols],
    );
  }

  /** The instruments the feed moves: listed ones with a last price. */
  listedWithPrice(): Promise<{ symbol: string; lastClose: string }[]> {
    return query(this.em.fork(), `select "symbol", "last_price"::text as "lastClose" from "strategy_data"."stock" where "status" = 'listed' and "last_price" is not null order by "symbol"`);
  }
}
