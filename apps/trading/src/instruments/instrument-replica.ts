import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Keeps `instrument_ref` in step with strategy's marketdata events: listing state (ordered by
 * the event time; an older fact changes nothing) and the last price (ordered by the price's
 * own time). A price of a symbol not (yet) listed is kept on an `unlisted` row, which orders
 * cannot use until the listing arrives.
 */
@Injectable()
export class InstrumentReplica {
  async listed(em: EntityManager, i: { symbol: string; name: string; exchange: string }, at: Date, listing: boolean): Promise<void> {
    await em.execute(
      `insert into "trading_data"."instrument_ref" ("symbol", "name", "exchange", "status", "updated_at") values (?, ?, ?, ?, ?)
       on conflict ("symbol") do update set "name" = excluded."name", "exchange" = excluded."exchange", "updated_at" = excluded."updated_at",
         "status" = case when ? or "instrument_ref"."status" = 'unlisted' then 'listed' else "instrument_ref"."status" end
       where "instrument_ref"."updated_at" <= excluded."updated_at"`,
      [i.symbol, i.name, i.exchange, 'listed', at.toISOString(), listing],
    );
  }

  /** True when this event delisted a listed symbol (not a repeat, not older than what is known). */
  async delisted(em: EntityManager, symbol: string, at: Date): Promise<boolean> {
    const [prev] = await em.execute<{ status: string }[]>(`select "status" from "trading_data"."instrument_ref" where "symbol" = ? and "updated_at" <= ? for update`, [
      symbol,
      at.toISOString(),
    ]);
    if (!prev) return false;
    await em.execute(`update "trading_data"."instrument_ref" set "status" = 'delisted', "updated_at" = ? where "symbol" = ?`, [at.toISOString(), symbol]);
    return prev.status === 'listed';
  }

  async price(em: EntityManager, symbol: string, price: string, at: Date): Promise<void> {
    await em.execute(
      `insert into "trading_data"."instrument_ref" ("symbol", "status", "last_price", "price_at", "updated_at") values (?, 'unlisted', ?, ?, '-infinity')
       on conflict ("symbol") do update set "last_price" = excluded."last_price", "price_at" = excluded."price_at"
       where "instrument_ref"."price_at" is null or "instrument_ref"."price_at" <= excluded."price_at"`,
      [symbol, price, at.toISOString()],
    );
  }
}
