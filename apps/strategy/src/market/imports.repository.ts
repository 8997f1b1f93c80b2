import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { query } from '@alphintra/platform-database';
import type { ImportBar, ImportTimeframe } from './import-csv';

export interface ImportView {
  id: string;
  status: 'storing' | 'completed' | 'failed';
  timeframe: ImportTimeframe;
  layout: string;
  symbols: string[];
  rowsTotal: number;
  rowsStored: number;
  from: string;
  to: string;
  error: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

const ts = (c: string) => `to_char("${c}" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A replica that died while storing leaves its row `storing`; its transaction rolled back, so after this long it is shown as failed. */
export const INTERRUPTED_AFTER_SECONDS = 300;

const VIEW = `"id", case when "status" = 'storing' and "updated_at" < now() - make_interval(secs => ${INTERRUPTED_AFTER_SECONDS}) then 'failed' else "status" end as "status",
  "timeframe", "layout", "symbols", "rows_total" as "rowsTotal",
  case when "status" = 'completed' then "rows_total" when "status" = 'storing' then "rows_stored" else 0 end as "rowsStored",
  "first_at" as "from", "last_at" as "to",
  case when "status" = 'storing' and "updated_at" < now() - make_interval(secs => ${INTERRUPTED_AFTER_SECONDS}) then 'interrupted: the replica storing it stopped; nothing was stored' else "error" end as "error",
  "created_by" as "createdBy", ${ts('created_at')} as "createdAt", ${ts('updated_at')} as "updatedAt", ${ts('finished_at')} as "finishedAt"`;

const BATCH_COLUMNS = `r("symbol" text, "time" text, "open" numeric, "high" numeric, "low" numeric, "close" numeric, "volume" bigint)`;

/** Statements of bar imports: the import rows (outside the storing transaction, so progress is seen) and the bars (inside it). */
@Injectable()
export class ImportsRepository {
  constructor(private readonly em: EntityManager) {}

  async create(i: Pick<ImportView, 'id' | 'timeframe' | 'layout' | 'symbols' | 'rowsTotal' | 'from' | 'to' | 'createdBy'>): Promise<void> {
    await query(
      this.em.fork(),
      `insert into "strategy_data"."market_import" ("id", "status", "timeframe", "layout", "symbols", "rows_total", "first_at", "last_at", "created_by")
       values ($1, 'storing', $2, $3, $4, $5, $6, $7, $8)`,
      [i.id, i.timeframe, i.layout, i.symbols, i.rowsTotal, i.from, i.to, i.createdBy],
    );
  }

  async progress(id: string, rowsStored: number): Promise<void> {
    await query(this.em.fork(), `update "strategy_data"."market_import" set "rows_stored" = $2, "updated_at" = now() where "id" = $1`, [id, rowsStored]);
  }

  async finish(id: string, error: string | null): Promise<void> {
    await query(
      this.em.fork(),
      `update "strategy_data"."market_import" set "status" = $2, "error" = $3, "rows_stored" = case when $2 = 'completed' then "rows_total" else 0 end,
         "updated_at" = now(), "finished_at" = now() where "id" = $1`,
      [id, error ? 'failed' : 'completed', error],
    );
  }

  async get(id: string): Promise<ImportView | undefined> {
    const [row] = await query<ImportView>(this.em.fork(), `select ${VIEW} from "strategy_data"."market_import" where "id" = $1`, [id]);
    return row;
  }

  /** Each symbol's status, locked against a delisting until the import commits. */
  async lockInstruments(em: EntityManager, symbols: string[]): Promise<Map<string, string>> {
    const rows = await query<{ symbol: string; status: string }>(
      em,
      `select "symbol", "status" from "strategy_data"."stock" where "symbol" = any($1::text[]) order by "symbol" for share`,
      [symbols],
    );
    return new Map(rows.map((r) => [r.symbol, r.status]));
  }

  async instrumentStatus(symbols: string[]): Promise<Map<string, string>> {
    const rows = await query<{ symbol: string; status: string }>(this.em.fork(), `select "symbol", "status" from "strategy_data"."stock" where "symbol" = any($1::text[])`, [symbols]);
    return new Map(rows.map((r) => [r.symbol, r.status]));
  }

  /** An imported bar replaces a stored one of the same symbol and date. */
  async storeDaily(em: EntityManager, bars: ImportBar[]): Promise<void> {
    await query(
      em,
      `insert into "strategy_data"."stock_history" ("symbol", "date", "open", "high", "low", "close", "volume")
       select r."symbol", r."time"::date, r."open", r."high", r."low", r."close", r."volume" from jsonb_to_recordset($1::jsonb) as ${BATCH_COLUMNS}
       on conflict ("symbol", "date") do update
         set "open" = excluded."open", "high" = excluded."high", "low" = excluded."low", "close" = excluded."close", "volume" = excluded."volume"`,
      [JSON.stringify(bars.map(({ line: _, ...b }) => b))],
    );
  }

  /** An imported 1-minute bar replaces a stored one of the same symbol and minute (not merged as a restarted feed's is). */
  async storeMinutes(em: EntityManager, bars: ImportBar[]): Promise<void> {
    await query(
      em,
      `insert into "strategy_data"."intraday_bar" ("symbol", "start", "open", "high", "low", "close", "volume")
       select r."symbol", to_timestamp(r."time"::bigint / 1000.0), r."open", r."high", r."low", r."close", r."volume" from jsonb_to_recordset($1::jsonb) as ${BATCH_COLUMNS}
       on conflict ("symbol", "start") do update
         set "open" = excluded."open", "high" = excluded."high", "low" = excluded."low", "close" = excluded."close", "volume" = excluded."volume"`,
      [JSON.stringify(bars.map(({ line: _, ...b }) => ({ ...b, time: String(b.time) })))],
    );
  }

  async latestDates(em: EntityManager, symbols: string[]): Promise<Map<string, string | null>> {
    const rows = await query<{ symbol: string; last: string | null }>(
      em,
      `select s."symbol", (select max(h."date")::text from "strategy_data"."stock_history" h where h."symbol" = s."symbol") as "last"
       from unnest($1::text[]) as s("symbol")`,
      [symbols],
    );
    return new Map(rows.map((r) => [r.symbol, r.last]));
  }
}
