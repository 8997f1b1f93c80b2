import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { followInstrumentStatus } from '../watchlists/watchlist-item.policy';

export interface InstrumentFacts {
  symbol: string;
  name: string;
  exchange: string;
}

/** What applying one fact did to the replica; `stale` means a newer fact was already applied. */
export type ReplicaChange = 'added' | 'updated' | 'delisted' | 'retired' | 'unchanged' | 'stale';

interface Current {
  name: string;
  exchange: string;
  status: 'listed' | 'delisted';
  stale: boolean;
}

/** Keeps `instrument_ref` in step with strategy, applying the watchlist policy on (de)listing. */
@Injectable()
export class InstrumentReplica {
  /** `listing` says strategy lists the symbol now (listed, or relisted); an update alone keeps the status. */
  async apply(em: EntityManager, i: InstrumentFacts, at: Date, listing: boolean): Promise<ReplicaChange> {
    const added = await em.execute<unknown[]>(
      `insert into "user_data"."instrument_ref" ("symbol", "name", "exchange", "status", "updated_at") values (?, ?, ?, 'listed', ?)
       on conflict ("symbol") do nothing returning "symbol"`,
      [i.symbol, i.name, i.exchange, at.toISOString()],
    );
    if (added.length) return 'added';
    const cur = await this.current(em, i.symbol, at);
    if (!cur || cur.stale) return 'stale';
    const status = listing ? 'listed' : cur.status;
    await em.execute(`update "user_data"."instrument_ref" set "name" = ?, "exchange" = ?, "status" = ?, "updated_at" = ? where "symbol" = ?`, [
      i.name,
      i.exchange,
      status,
      at.toISOString(),
      i.symbol,
    ]);
    if (cur.status === 'delisted' && status === 'listed') await followInstrumentStatus(em, i.symbol, true);
    return cur.name !== i.name || cur.exchange !== i.exchange || cur.status !== status ? 'updated' : 'unchanged';
  }

  /** A symbol never seen needs no row: nothing can point at it. */
  async delist(em: EntityManager, symbol: string, at: Date): Promise<ReplicaChange> {
    const cur = await this.current(em, symbol, at);
    if (!cur) return 'unchanged';
    if (cur.stale) return 'stale';
    await em.execute(`update "user_data"."instrument_ref" set "status" = 'delisted', "updated_at" = ? where "symbol" = ?`, [at.toISOString(), symbol]);
    if (cur.status === 'delisted') return 'unchanged';
    await followInstrumentStatus(em, symbol, false);
    return 'delisted';
  }

  private async current(em: EntityManager, symbol: string, at: Date): Promise<Current | undefined> {
    const [row] = await em.execute<Current[]>(
      `select "name", "exchange", "status", "updated_at" > ?::timestamptz as "stale" from "user_data"."instrument_ref" where "symbol" = ? for update`,
      [at.toISOString(), symbol],
    );
    return row;
  }
}
