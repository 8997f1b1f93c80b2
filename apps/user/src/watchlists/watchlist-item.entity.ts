import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

export const ITEM_STATUSES = ['active', 'delisted'] as const;

/** A symbol on a watchlist; `stockSymbol` has a real foreign key to the instrument replica. */
export const WatchlistItem = defineEntity({
  name: 'WatchlistItem',
  tableName: 'custom_collection_stock',
  properties: {
    collectionId: p.uuid().primary(),
    stockSymbol: p.text().primary(),
    status: p.enum(ITEM_STATUSES),
    addedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type WatchlistItem = InferEntity<typeof WatchlistItem>;
