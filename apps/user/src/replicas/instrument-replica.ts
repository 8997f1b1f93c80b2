import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { applyIfNewer, type ReplicaTable } from '@alphintra/platform-database';
import { followInstrumentStatus } from '../watchlists/watchlist-item.policy';

export interface InstrumentFacts {
  symbol: string;
  name: string;
  exchange: string;
}

/** What applying one fact did to the replica; `stale` means a newer fact was already applied. */
export type ReplicaChange = 'added' | 'updated' | 'delisted' | 'retired' | 'unchanged' | 'stale';

interface Current {
  /** Null on a tombstone (a delisting of a symbol never seen). */
  name: string | null;
  exchange: string | null;
  status: 'listed' | 'delisted';
}

const INSTRUMENT_REF: ReplicaTable = { schema: 'user_data', table: 'instrument_ref', key: 'symbol' };

/** Keeps `instrument_ref` in step with strategy by the replica rule (ADR 0032), applying the watchlist policy on (de)listing. */
@Injectable()
export class InstrumentReplica {
  /** `listing` says strategy lists the symbol now (listed, or relisted); an update alone keeps the status. */
  async apply(em: EntityManager, i: InstrumentFacts, at: Date, listing: boolean): Promise<ReplicaChange> {
    const status = (cur: Current | undefined) => (!cur || listing ? 'listed' : cur.status);
    const r = await applyIfNewer<Current>(em, INSTRUMENT_REF, i.symbol, at, (cur) => ({ set: { name: i.name, exchange: i.exchange, status: status(cur) } }));
    if (r.stale) return 'stale';
    const cur = r.prev;
    // A tombstone's facts arrive now: as good as new.
    if (!cur || cur.name === null) return 'added';
    if (cur.status === 'delisted' && status(cur) === 'listed') await followInstrumentStatus(em, i.symbol, true);
    return cur.name !== i.name || cur.exchange !== i.exchange || cur.status !== status(cur) ? 'updated' : 'unchanged';
  }

  /** A symbol never seen gets a tombstone: nothing points at it, but an older listing must not list it. */
  async delist(em: EntityManager, symbol: string, at: Date): Promise<ReplicaChange> {
    const r = await applyIfNewer<Current>(em, INSTRUMENT_REF, symbol, at, () => ({ set: { status: 'delisted' } }));
    if (r.stale) return 'stale';
    if (!r.prev || r.prev.status === 'delisted') return 'unchanged';
    await followInstrumentStatus(em, symbol, false);
    return 'delisted';
  }
}
