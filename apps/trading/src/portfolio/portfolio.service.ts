import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { Dec, parseDecimal } from '@alphintra/money';
import { uuidv7 } from '@alphintra/platform-database';
import { pageOf, type PageQuery } from '@alphintra/platform-http';
import { wire } from '../common/decimal';
import { valuation } from './position-math';

interface PositionRow {
  symbol: string;
  quantity: string;
  avg_price: string;
  realized_pnl: string;
  last_price: string | null;
}

interface ExecutionRow {
  id: string;
  execution_id: string;
  order_id: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: string;
  price: string;
  venue: string;
  executed_at: Date;
}

@Injectable()
export class PortfolioService {
  constructor(private readonly em: EntityManager) {}

  /**
   * Cash, positions at the replica's last price, and equity = cash + Σ quantity × market price.
   * A position without any known price is valued at its average price.
   */
  async view(userId: string) {
    const [account] = await this.em.execute<{ cash: string; reserved: string }[]>(`select "cash", "reserved" from "trading_data"."account" where "user_id" = ?`, [userId]);
    const rows = await this.em.execute<PositionRow[]>(
      `select p."symbol", p."quantity", p."avg_price", p."realized_pnl", i."last_price"
       from "trading_data"."position" p join "trading_data"."instrument_ref" i on i."symbol" = p."symbol"
       where p."user_id" = ? order by p."symbol"`,
      [userId],
    );
    const cash = parseDecimal(account?.cash ?? '0');
    const reserved = parseDecimal(account?.reserved ?? '0');
    let equity = cash;
    const positions = rows.map((r) => {
      const p = { quantity: parseDecimal(r.quantity), avgPrice: parseDecimal(r.avg_price) };
      const market = r.last_price ? parseDecimal(r.last_price) : p.avgPrice;
      const v = valuation(p, market);
      equity = equity.plus(v.marketValue);
      return {
        symbol: r.symbol,
        quantity: wire(p.quantity),
        avgPrice: wire(p.avgPrice),
        marketPrice: r.last_price ? wire(r.last_price) : null,
        unrealizedPnl: wire(v.unrealizedPnl),
        realizedPnl: wire(r.realized_pnl),
      };
    });
    return { cash: wire(cash), reserved: wire(reserved), buyingPower: wire(cash.minus(reserved)), equity: wire(equity), positions };
  }

  /** Paper cash: credited at once, recorded as a deposit. */
  async deposit(userId: string, amount: string) {
    return this.em.transactional(async (em) => {
      const at = new Date();
      const [a] = await em.execute<{ cash: string; reserved: string }[]>(
        `insert into "trading_data"."account" ("user_id", "cash", "updated_at") values (?, ?, ?)
         on conflict ("user_id") do update set "cash" = "account"."cash" + excluded."cash", "updated_at" = excluded."updated_at" returning "cash", "reserved"`,
        [userId, amount, at.toISOString()],
      );
      const id = uuidv7(at.getTime());
      await em.execute(`insert into "trading_data"."deposit" ("id", "user_id", "amount", "at") values (?, ?, ?, ?)`, [id, userId, amount, at.toISOString()]);
      const cash = parseDecimal(a!.cash);
      return { id, amount: wire(amount), at: at.toISOString(), cash: wire(cash), buyingPower: wire(cash.minus(new Dec(a!.reserved))) };
    });
  }

  async executions(userId: string, page: PageQuery) {
    const rows = await this.em.execute<ExecutionRow[]>(
      `select * from "trading_data"."execution" where "user_id" = ?${page.cursor ? ' and "id" < ?' : ''} order by "id" desc limit ?`,
      page.cursor ? [userId, page.cursor, page.limit + 1] : [userId, page.limit + 1],
    );
    return pageOf(rows, page.limit, (r) => r.id, (r) => ({
      id: r.id,
      executionId: r.execution_id,
      orderId: r.order_id,
      symbol: r.symbol,
      side: r.side,
      quantity: wire(r.quantity),
      price: wire(r.price),
      venue: r.venue,
      executedAt: new Date(r.executed_at).toISOString(),
    }));
  }
}
