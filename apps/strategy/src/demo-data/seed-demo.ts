import type { EntityManager } from '@mikro-orm/postgresql';
import { InstrumentListed, PriceUpdated } from '@alphintra/contracts';
import type { OutboxPublisher } from '@alphintra/platform-messaging';
import { sessionTime } from '../bars/bar-rows';
import { query } from '@alphintra/platform-database';
import { demoInstruments, demoSeries, sessionDates, type DemoOptions, type DemoSeries } from './demo-market';

export interface SeedResult {
  seeded: boolean;
  instruments: number;
  bars: number;
}

/** Rows a multi-row INSERT carries; a chunk of instruments is written once its bars reach this. */
const BATCH_ROWS = 10_000;

const INSERT_STOCKS = `
  insert into "strategy_data"."stock" ("symbol", "name", "exchange", "sector", "industry", "country", "currency", "market_cap", "pe_ratio", "last_price", "change_1d_pct", "volume")
  select r."symbol", r."name", r."exchange", r."sector", r."industry", r."country", r."currency", r."marketCap", r."peRatio", r."lastPrice", r."change1dPct", r."volume"
  from jsonb_to_recordset($1::jsonb) as r("symbol" text, "name" text, "exchange" text, "sector" text, "industry" text, "country" text, "currency" text,
    "marketCap" numeric, "peRatio" numeric, "lastPrice" numeric, "change1dPct" numeric, "volume" bigint)`;

const INSERT_BARS = `
  insert into "strategy_data"."stock_history" ("symbol", "date", "open", "high", "low", "close", "volume")
  select r."symbol", r."date", r."open", r."high", r."low", r."close", r."volume"
  from jsonb_to_recordset($1::jsonb) as r("symbol" text, "date" date, "open" numeric, "high" numeric, "low" numeric, "close" numeric, "volume" bigint)`;

/**
 * Writes the deterministic demo data set, with `marketdata.instrument.listed` for each instrument
 * and `marketdata.price.updated` for its last bar, in one transaction; does nothing where any
 * instrument exists already (so a second run, or a concurrent one, is harmless).
 */
export async function seedDemo(em: EntityManager, outbox: OutboxPublisher, o: DemoOptions): Promise<SeedResult> {
  const dates = sessionDates(o.end, o.years);
  if (dates.length === 0) throw new Error(`no business day in the ${o.years} year(s) up to ${o.end}`);
  return em.transactional(async (em) => {
    await em.execute(`select pg_advisory_xact_lock(hashtext('alphintra:strategy:seed-demo'))`);
    const [existing] = await query<{ any: boolean }>(em, `select exists (select 1 from "strategy_data"."stock") as "any"`);
    if (existing!.any) return { seeded: false, instruments: 0, bars: 0 };
    let chunk: DemoSeries[] = [];
    let pendingBars = 0;
    let bars = 0;
    const flush = async () => {
      await write(em, outbox, chunk);
      bars += pendingBars;
      chunk = [];
      pendingBars = 0;
    };
    for (const instrument of demoInstruments(o)) {
      const series = demoSeries(instrument, dates, o.seed);
      chunk.push(series);
      pendingBars += series.bars.length;
      if (pendingBars >= BATCH_ROWS || chunk.length >= 1000) await flush();
    }
    if (chunk.length) await flush();
    return { seeded: true, instruments: o.instruments, bars };
  });
}

async function write(em: EntityManager, outbox: OutboxPublisher, chunk: DemoSeries[]): Promise<void> {
  await query(em, INSERT_STOCKS, [JSON.stringify(chunk.map((s) => ({ ...s.instrument, lastPrice: s.lastPrice, change1dPct: s.change1dPct, volume: s.volume })))]);
  const rows = chunk.flatMap((s) => s.bars.map((b) => ({ symbol: s.instrument.symbol, ...b })));
  for (let i = 0; i < rows.length; i += BATCH_ROWS) await query(em, INSERT_BARS, [JSON.stringify(rows.slice(i, i + BATCH_ROWS))]);
  await outbox.recordMany(
    em,
    InstrumentListed,
    chunk.map(({ instrument: { symbol, name, exchange, sector, industry, country, currency } }) => ({
      subject: symbol,
      data: { symbol, name, exchange, sector, industry, country, currency },
    })),
  );
  await outbox.recordMany(
    em,
    PriceUpdated,
    chunk.map((s) => ({ subject: s.instrument.symbol, data: { symbol: s.instrument.symbol, price: s.lastPrice, at: sessionTime(s.bars[s.bars.length - 1]!.date) } })),
  );
}
