import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { applyIfNewer, upsertIfNewer, type ReplicaTable } from '@alphintra/platform-database';

/** Listing state, ordered by the event time. */
const LISTING: ReplicaTable = { schema: 'trading_data', table: 'instrument_ref', key: 'symbol' };
/** The last price, ordered by the price's own time. */
const PRICE: ReplicaTable = { ...LISTING, clock: 'price_at' };

type Status = 'listed' | 'delisted' | 'unlisted';

/**
 * Keeps `instrument_ref` in step with strategy's marketdata events, by the replica rule of
 * ADR 0032 (an older fact changes nothing; a delisting is a tombstone): listing state by the
 * event time, the last price by the price's own time. A price of a symbol not (yet) listed is
 * kept on an `unlisted` row, which orders cannot use until the listing arrives.
 */
@Injectable()
export class InstrumentReplica {
  async listed(em: EntityManager, i: { symbol: string; name: string; exchange: string }, at: Date, listing: boolean): Promise<void> {
    await applyIfNewer<{ status: Status }>(em, LISTING, i.symbol, at, (prev) => ({
      set: { name: i.name, exchange: i.exchange, status: !prev || listing || prev.status === 'unlisted' ? 'listed' : prev.status },
    }));
  }

  /** True when this event delisted a listed symbol (not a repeat, not older than what is known). */
  async delisted(em: EntityManager, symbol: string, at: Date): Promise<boolean> {
    const r = await applyIfNewer<{ status: Status }>(em, LISTING, symbol, at, () => ({ set: { status: 'delisted' } }));
    return r.applied && r.prev?.status === 'listed';
  }

  async price(em: EntityManager, symbol: string, price: string, at: Date): Promise<void> {
    await upsertIfNewer(em, PRICE, symbol, at, { set: { last_price: price }, onInsert: { status: 'unlisted', updated_at: '-infinity' } });
  }
}
