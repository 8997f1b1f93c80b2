import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import { PriceUpdated } from '@alphintra/contracts';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import { wireDecimal } from '../common/decimal';
import { pageOf } from '../common/page';
import { query } from '@alphintra/platform-database';
import { InstrumentDelistedError, InstrumentNotFoundError } from '../instruments/instruments.errors';
import { Stock } from '../instruments/stock.entity';
import { IntradayBarsRepository } from '../market/intraday-bars.repository';
import { TIMEFRAME_MS } from '../market/bar-aggregator';
import { sessionTime, type Bar } from './bar-rows';
import type { BarsQuery } from './dto/bars.dto';

export interface BarsUpserted {
  symbol: string;
  received: number;
  inserted: number;
  updated: number;
  from: string;
  to: string;
  lastPrice: string | null;
}

/** The last-session figures screens filter on, from the newest two bars of one symbol. */
export const REFRESH_LAST_SESSION_SQL = `
  with last2 as (
    select "date", "close", "volume", row_number() over (order by "date" desc) as rn
    from "strategy_data"."stock_history" where "symbol" = $1 order by "date" desc limit 2)
  update "strategy_data"."stock" s
  set "last_price" = l1."close",
      "volume" = l1."volume",
      "change_1d_pct" = case when l2."close" is null then null else round((l1."close" - l2."close") / l2."close" * 100, 4) end,
      "updated_at" = now()
  from last2 l1 left join last2 l2 on l2.rn = 2
  where l1.rn = 1 and s."symbol" = $1
  returning l1."date"::text as "date", s."last_price"::text as "price"`;

@Injectable()
export class BarsService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxPublisher,
    private readonly intraday: IntradayBarsRepository,
  ) {}

  async list(symbol: string, q: BarsQuery) {
    if (!(await this.em.count(Stock, { symbol }))) throw new InstrumentNotFoundError(symbol);
    if (q.timeframe !== '1D') return this.listIntraday(symbol, q as BarsQuery & { timeframe: keyof typeof TIMEFRAME_MS });
    const rows = await query<Bar>(
      this.em,
      `select "date"::text as "date", "open"::text as "open", "high"::text as "high", "low"::text as "low", "close"::text as "close", "volume"::text as "volume"
       from "strategy_data"."stock_history"
       where "symbol" = $1 and ($2::date is null or "date" >= $2) and ($3::date is null or "date" <= $3) and ($4::date is null or "date" > $4)
       order by "date" limit $5`,
      [symbol, q.from ?? null, q.to ?? null, q.cursor ?? null, q.limit + 1],
    );
    return pageOf(rows, q.limit, (b) => b.date, (b) => ({ ...b, open: wireDecimal(b.open), high: wireDecimal(b.high), low: wireDecimal(b.low), close: wireDecimal(b.close) }));
  }

  /** Intraday bars from the stored 1Min bars; a date `to` includes its whole (UTC) day. */
  private async listIntraday(symbol: string, q: BarsQuery & { timeframe: keyof typeof TIMEFRAME_MS }) {
    const instant = (v: string | undefined, endOfDay = false) =>
      v === undefined ? null : v.length === 10 ? new Date(Date.parse(`${v}T00:00:00Z`) + (endOfDay ? 86_400_000 : 0)) : new Date(v);
    const to = q.to && q.to.length !== 10 ? new Date(Date.parse(q.to) + 1) : instant(q.to, true);
    const rows = await this.intraday.list(symbol, TIMEFRAME_MS[q.timeframe] / 60_000, instant(q.from), to, instant(q.cursor), q.limit + 1);
    return pageOf(rows, q.limit, (b) => b.start, (b) => ({ ...b, open: wireDecimal(b.open), high: wireDecimal(b.high), low: wireDecimal(b.low), close: wireDecimal(b.close) }));
  }

  /**
   * Upserts validated bars on (symbol, date) in one transaction with the refreshed last-session
   * figures and, when the newest bar changed, its `marketdata.price.updated`.
   */
  async upsert(symbol: string, bars: Bar[]): Promise<BarsUpserted> {
    const dates = bars.map((b) => b.date).sort();
    return this.em.transactional(async (em) => {
      const stock = await em.findOne(Stock, symbol, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!stock) throw new InstrumentNotFoundError(symbol);
      if (stock.status === 'delisted') throw new InstrumentDelistedError(symbol);
      const [before] = await query<{ last: string | null }>(em, `select max("date")::text as "last" from "strategy_data"."stock_history" where "symbol" = $1`, [symbol]);
      const [counts] = await query<{ inserted: string; total: string }>(
        em,
        `with up as (
           insert into "strategy_data"."stock_history" ("symbol", "date", "open", "high", "low", "close", "volume")
           select $1, r."date", r."open", r."high", r."low", r."close", r."volume"
           from jsonb_to_recordset($2::jsonb) as r("date" date, "open" numeric, "high" numeric, "low" numeric, "close" numeric, "volume" bigint)
           on conflict ("symbol", "date") do update
             set "open" = excluded."open", "high" = excluded."high", "low" = excluded."low", "close" = excluded."close", "volume" = excluded."volume"
           returning (xmax = 0) as inserted)
         select count(*) filter (where inserted)::text as "inserted", count(*)::text as "total" from up`,
        [symbol, JSON.stringify(bars)],
      );
      const [last] = await query<{ date: string; price: string }>(em, REFRESH_LAST_SESSION_SQL, [symbol]);
      const newest = dates[dates.length - 1]!;
      if (!before!.last || newest >= before!.last) {
        await this.outbox.record(em, PriceUpdated, symbol, { symbol, price: wireDecimal(last!.price)!, at: sessionTime(last!.date) });
      }
      const inserted = Number(counts!.inserted);
      return { symbol, received: bars.length, inserted, updated: Number(counts!.total) - inserted, from: dates[0]!, to: newest, lastPrice: wireDecimal(last!.price) };
    });
  }
}
