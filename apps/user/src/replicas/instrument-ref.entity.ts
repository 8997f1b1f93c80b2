import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** The symbols strategy lists, replicated from its events so watchlist items can carry a real foreign key. */
export const InstrumentRef = defineEntity({
  name: 'InstrumentRef',
  tableName: 'instrument_ref',
  properties: {
    symbol: p.text().primary(),
    name: p.text(),
    exchange: p.text(),
    status: p.enum(['listed', 'delisted'] as const),
    /** The source's time of the last change applied; an older event changes nothing. */
    updatedAt: p.datetime(),
  },
});
export type InstrumentRef = InferEntity<typeof InstrumentRef>;
