import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** The symbols strategy lists, replicated from its events so watchlist items can carry a real foreign key. */
export const InstrumentRef = defineEntity({
  name: 'InstrumentRef',
  tableName: 'instrument_ref',
  properties: {
    symbol: p.text().primary(),
    /** Null on a tombstone: a delisting of a key never seen. */
    name: p.text().nullable(),
    exchange: p.text().nullable(),
    status: p.enum(['listed', 'delisted'] as const),
    /** The source's time of the last fact applied; an older one changes nothing (ADR 0032). */
    updatedAt: p.datetime(),
  },
});
export type InstrumentRef = InferEntity<typeof InstrumentRef>;
