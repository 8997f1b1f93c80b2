import type { EntityManager } from '@mikro-orm/postgresql';
import { parseDecimal } from '@alphintra/money';
import { uuidv7 } from '@alphintra/platform-database';
import { wire } from '../common/decimal';
import type { AccountBalances, Activity, LedgerResult, PositionBalances } from './ledger';

/** A fill's execution, booked together with the movement it causes. */
export interface ExecutionRecord {
  executionId: string;
  orderId: string;
  venue: string;
  at: Date;
}

export interface ActivityRow {
  id: string;
  type: Activity['type'];
  amount: string;
  cash_after: string;
  symbol: string | null;
  side: 'buy' | 'sell' | null;
  quantity: string | null;
  price: string | null;
  quantity_after: string | null;
  order_id: string | null;
  execution_id: string | null;
  at: Date;
}

/** risk's state of the account (trading keeps the newest it was told). */
export interface AccountStatus {
  state: 'active' | 'reduce_only' | 'halted';
  reason: string | null;
}
interface AccountStatusRow {
  cash: string;
  reserved: string;
  status: AccountStatus['state'];
  halt_reason: string | null;
}

/** Every SQL statement on the account, position, execution and activity tables that moves money. */
export const LedgerRepository = {
  /**
   * Locks the account (created empty when new) and, with a symbol, its position (created flat),
   * in that order: every writer takes the account first, so two never wait on each other in a cycle.
   */
  async lock(em: EntityManager, userId: string, symbol: string | null): Promise<{ account: AccountBalances; status: AccountStatus; position: PositionBalances | null }> {
    const account = `insert into "trading_data"."account" ("user_id") values (?) on conflict ("user_id") do update set "updated_at" = "account"."updated_at"
      returning "user_id", "cash", "reserved", "status", "halt_reason"`;
    if (symbol === null) {
      const [a] = await em.execute<AccountStatusRow[]>(account, [userId]);
      return { account: { cash: parseDecimal(a!.cash), reservedCash: parseDecimal(a!.reserved) }, status: { state: a!.status, reason: a!.halt_reason }, position: null };
    }
    const [r] = await em.execute<(AccountStatusRow & { quantity: string; reserved_shares: string; avg_price: string; realized_pnl: string })[]>(
      `with a as (${account}),
       p as (
         insert into "trading_data"."position" ("user_id", "symbol", "quantity", "avg_price", "realized_pnl", "reserved", "updated_at")
         select "user_id", ?, 0, 0, 0, 0, now() from a
         on conflict ("user_id", "symbol") do update set "updated_at" = "position"."updated_at"
         returning "quantity", "reserved", "avg_price", "realized_pnl"
       )
       select a."cash", a."reserved", a."status", a."halt_reason", p."quantity", p."reserved" as "reserved_shares", p."avg_price", p."realized_pnl" from a, p`,
      [userId, symbol],
    );
    return {
      account: { cash: parseDecimal(r!.cash), reservedCash: parseDecimal(r!.reserved) },
      status: { state: r!.status, reason: r!.halt_reason },
      position: { quantity: parseDecimal(r!.quantity), reservedShares: parseDecimal(r!.reserved_shares), avgPrice: parseDecimal(r!.avg_price), realizedPnl: parseDecimal(r!.realized_pnl) },
    };
  },

  /** The new balances, one activity row per movement and the fill's execution, in one statement; returns the activities' ids. */
  async write(em: EntityManager, userId: string, symbol: string | null, r: LedgerResult, o: { orderId?: string; execution?: ExecutionRecord; at: Date }): Promise<string[]> {
    const ids = r.activities.map(() => uuidv7(o.at.getTime()));
    const at = o.at.toISOString();
    const params: unknown[] = [wire(r.account.cash), wire(r.account.reservedCash), at, userId];
    const parts = [`a as (update "trading_data"."account" set "cash" = ?, "reserved" = ?, "updated_at" = ? where "user_id" = ?)`];
    if (symbol !== null) {
      parts.push(`p as (update "trading_data"."position" set "quantity" = ?, "reserved" = ?, "avg_price" = ?, "realized_pnl" = ?, "updated_at" = ? where "user_id" = ? and "symbol" = ?)`);
      params.push(wire(r.position.quantity), wire(r.position.reservedShares), wire(r.position.avgPrice), wire(r.position.realizedPnl), at, userId, symbol);
    }
    const fill = r.activities.find((a) => a.type === 'fill');
    if (o.execution && fill) {
      parts.push(`x as (insert into "trading_data"."execution" ("id", "execution_id", "order_id", "user_id", "symbol", "side", "quantity", "price", "venue", "executed_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?))`);
      params.push(uuidv7(o.execution.at.getTime()), o.execution.executionId, o.execution.orderId, userId, symbol, fill.side, wire(fill.quantity!.abs()), wire(fill.price!), o.execution.venue, o.execution.at.toISOString());
    }
    if (r.activities.length > 0) {
      parts.push(
        `v as (insert into "trading_data"."activity" ("id", "user_id", "type", "amount", "cash_after", "symbol", "side", "quantity", "price", "quantity_after", "order_id", "execution_id", "at") values ${r.activities
          .map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .join(', ')})`,
      );
      for (const [i, a] of r.activities.entries()) {
        const isFill = a.type === 'fill';
        params.push(
          ids[i],
          userId,
          a.type,
          wire(a.amount),
          wire(a.cashAfter),
          isFill ? symbol : null,
          a.side,
          a.quantity ? wire(a.quantity) : null,
          a.price ? wire(a.price) : null,
          a.quantityAfter ? wire(a.quantityAfter) : null,
          o.orderId ?? null,
          isFill ? (o.execution?.executionId ?? null) : null,
          at,
        );
      }
    }
    await em.execute(`with ${parts.join(', ')} select 1`, params);
    return ids;
  },

  /** Keeps risk's account state when it is newer than the one kept; true when it was. */
  async setStatus(em: EntityManager, userId: string, s: AccountStatus & { version: number }): Promise<boolean> {
    const rows = await em.execute<{ user_id: string }[]>(
      `insert into "trading_data"."account" ("user_id", "status", "halt_reason", "status_version") values (?, ?, ?, ?)
       on conflict ("user_id") do update set "status" = excluded."status", "halt_reason" = excluded."halt_reason", "status_version" = excluded."status_version", "updated_at" = now()
       where "account"."status_version" < excluded."status_version"
       returning "user_id"`,
      [userId, s.state, s.state === 'active' ? null : s.reason, s.version],
    );
    return rows.length > 0;
  },

  /** What a monthly statement needs: the cash before `from`, the activities in [from, until), and the shares held at `until`. */
  async month(em: EntityManager, userId: string, from: Date, until: Date) {
    const [opening] = await em.execute<{ cash_after: string }[]>(
      `select "cash_after" from "trading_data"."activity" where "user_id" = ? and "at" < ? order by "at" desc, "id" desc limit 1`,
      [userId, from.toISOString()],
    );
    const activities = await em.execute<ActivityRow[]>(`select * from "trading_data"."activity" where "user_id" = ? and "at" >= ? and "at" < ? order by "at", "id"`, [
      userId,
      from.toISOString(),
      until.toISOString(),
    ]);
    const positions = await em.execute<{ symbol: string; quantity: string }[]>(
      `select "symbol", "quantity" from (
         select distinct on ("symbol") "symbol", "quantity_after" as "quantity" from "trading_data"."activity"
         where "user_id" = ? and "type" = 'fill' and "at" < ? order by "symbol", "at" desc, "id" desc
       ) last where "quantity" > 0 order by "symbol"`,
      [userId, until.toISOString()],
    );
    return { openingCash: opening?.cash_after ?? '0', activities, positions };
  },

  async activities(em: EntityManager, userId: string, q: { type?: string; after?: string; until?: string; cursor?: string; limit: number }): Promise<ActivityRow[]> {
    const where = ['"user_id" = ?'];
    const params: unknown[] = [userId];
    for (const [cond, v] of [['"type" = ?', q.type], ['"at" > ?', q.after], ['"at" <= ?', q.until], ['"id" < ?', q.cursor]] as const) {
      if (v === undefined) continue;
      where.push(cond);
      params.push(v);
    }
    return em.execute<ActivityRow[]>(`select * from "trading_data"."activity" where ${where.join(' and ')} order by "id" desc limit ?`, [...params, q.limit + 1]);
  },
};
