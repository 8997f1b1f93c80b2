import type { EntityManager } from '@mikro-orm/postgresql';

export type StoredTimeframe = '1Min' | '1D';

/** One stored point: equity = cash + Σ quantity × last price (the average price before a first price). */
export interface EquityPointRow {
  at: Date;
  equity: string;
  cash: string;
  net_deposits: string;
}

/** Where the sweep stands: the last minute it wrote, and the last XNYS close it wrote. */
export interface SweepState {
  minute_at: Date | null;
  close_at: Date | null;
}

const dateOrNull = (v: string | Date | null) => (v === null ? null : new Date(v));
const asPoints = (rows: EquityPointRow[]) => rows.map((r) => ({ ...r, at: new Date(r.at) }));

const POINT = `"at", "equity"::text, "cash"::text, "net_deposits"::text`;

/** Every SQL statement on the equity history (ADR 0037). */
export const EquityRepository = {
  /**
   * The sweep's state row, locked for the caller's transaction; null while another replica holds
   * it (SKIP LOCKED: one sweeps, the others skip this round).
   */
  async claimSweep(em: EntityManager): Promise<SweepState | null> {
    await em.execute(`insert into "trading_data"."equity_sweep" ("id") values (1) on conflict ("id") do nothing`);
    const [s] = await em.execute<{ minute_at: string | Date | null; close_at: string | Date | null }[]>(
      `select "minute_at", "close_at" from "trading_data"."equity_sweep" where "id" = 1 for update skip locked`,
    );
    return s ? { minute_at: dateOrNull(s.minute_at), close_at: dateOrNull(s.close_at) } : null;
  },

  async saveSweep(em: EntityManager, s: SweepState): Promise<void> {
    await em.execute(`update "trading_data"."equity_sweep" set "minute_at" = ?, "close_at" = ? where "id" = 1`, [s.minute_at?.toISOString() ?? null, s.close_at?.toISOString() ?? null]);
  },

  /**
   * Writes a `timeframe` point at `at` for every account that changed after `since` (a ledger
   * write: a fill, a deposit or withdrawal; or a new price of a symbol it holds) and whose
   * equity, cash or net deposits differ from its point before — an account's first point once it
   * has cash, shares or deposits. `since` null: every account. Returns how many it wrote.
   */
  async writePoints(em: EntityManager, timeframe: StoredTimeframe, at: Date, since: Date | null): Promise<number> {
    const after = since?.toISOString() ?? '-infinity';
    const rows = await em.execute<{ user_id: string }[]>(
      `with changed as (
         select "user_id" from "trading_data"."account" where "updated_at" > ?::timestamptz
         union
         select p."user_id" from "trading_data"."instrument_ref" i
         join "trading_data"."position" p on p."symbol" = i."symbol" and p."quantity" > 0
         where i."price_at" > ?::timestamptz
       ),
       v as (
         select a."user_id", a."cash",
           round(a."cash" + coalesce(h."value", 0), 8) as "equity",
           h."value" is not null as "holds",
           coalesce((select sum(f."amount") from "trading_data"."activity" f
                     where f."user_id" = a."user_id" and f."type" in ('deposit', 'withdrawal')), 0) as "net_deposits"
         from changed c
         join "trading_data"."account" a on a."user_id" = c."user_id"
         left join lateral (
           select sum(p."quantity" * coalesce(i."last_price", p."avg_price")) as "value"
           from "trading_data"."position" p join "trading_data"."instrument_ref" i on i."symbol" = p."symbol"
           where p."user_id" = a."user_id" and p."quantity" > 0
         ) h on true
       )
       insert into "trading_data"."equity_point" ("user_id", "timeframe", "at", "equity", "cash", "net_deposits")
       select v."user_id", ?, ?, v."equity", v."cash", v."net_deposits" from v
       left join lateral (
         select e."equity", e."cash", e."net_deposits" from "trading_data"."equity_point" e
         where e."user_id" = v."user_id" and e."timeframe" = ? and e."at" <= ? order by e."at" desc limit 1
       ) last on true
       where case when last."equity" is null then v."cash" <> 0 or v."holds" or v."net_deposits" <> 0
                  else (last."equity", last."cash", last."net_deposits") is distinct from (v."equity", v."cash", v."net_deposits") end
       on conflict ("user_id", "timeframe", "at") do update
         set "equity" = excluded."equity", "cash" = excluded."cash", "net_deposits" = excluded."net_deposits"
       returning "user_id"`,
      [after, after, timeframe, at.toISOString(), timeframe, at.toISOString()],
    );
    return rows.length;
  },

  /** Removes 1-minute points older than `before`, `batch` at a time; returns how many. */
  async pruneMinutes(em: EntityManager, before: Date, batch: number): Promise<number> {
    const rows = await em.execute<{ n: number }[]>(
      `with gone as (
         delete from "trading_data"."equity_point" where ctid in (
           select ctid from "trading_data"."equity_point" where "timeframe" = '1Min' and "at" < ? limit ?
         ) returning 1
       ) select count(*)::int as "n" from gone`,
      [before.toISOString(), batch],
    );
    return rows[0]?.n ?? 0;
  },

  /** The account's last point of `timeframe` strictly before `before`: the base a range's P&L counts from. */
  async pointBefore(em: EntityManager, userId: string, timeframe: StoredTimeframe, before: Date): Promise<EquityPointRow | null> {
    const [r] = await em.execute<EquityPointRow[]>(
      `select ${POINT} from "trading_data"."equity_point" where "user_id" = ? and "timeframe" = ? and "at" < ? order by "at" desc limit 1`,
      [userId, timeframe, before.toISOString()],
    );
    return r ? { ...r, at: new Date(r.at) } : null;
  },

  /**
   * The account's points of `timeframe` in [from, to], oldest first; with `bucketSeconds`, the
   * last point of each bucket (buckets from the epoch), stamped with the bucket's start.
   */
  async points(em: EntityManager, userId: string, timeframe: StoredTimeframe, from: Date, to: Date, bucketSeconds?: number): Promise<EquityPointRow[]> {
    if (!bucketSeconds) {
      return asPoints(
        await em.execute<EquityPointRow[]>(
        `select ${POINT} from "trading_data"."equity_point" where "user_id" = ? and "timeframe" = ? and "at" >= ? and "at" <= ? order by "at"`,
        [userId, timeframe, from.toISOString(), to.toISOString()],
      ),
      );
    }
    return asPoints(
      await em.execute<EquityPointRow[]>(
      `select "bucket" as "at", "equity", "cash", "net_deposits" from (
         select distinct on (1) date_bin(make_interval(secs => ?), "at", timestamptz 'epoch') as "bucket", "equity"::text, "cash"::text, "net_deposits"::text
         from "trading_data"."equity_point" where "user_id" = ? and "timeframe" = ? and "at" >= ? and "at" <= ?
         order by 1, "at" desc
       ) b order by "bucket"`,
      [bucketSeconds, userId, timeframe, from.toISOString(), to.toISOString()],
    ),
    );
  },

  /** The account's first point of `timeframe`: where `period=all` starts. */
  async firstPointAt(em: EntityManager, userId: string, timeframe: StoredTimeframe): Promise<Date | null> {
    const [r] = await em.execute<{ at: Date }[]>(`select "at" from "trading_data"."equity_point" where "user_id" = ? and "timeframe" = ? order by "at" limit 1`, [userId, timeframe]);
    return r ? new Date(r.at) : null;
  },
};
