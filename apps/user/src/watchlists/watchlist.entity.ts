import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** A user's watchlist (the stock-screener design's `custom_collection`). */
export const Watchlist = defineEntity({
  name: 'Watchlist',
  tableName: 'custom_collection',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    name: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type Watchlist = InferEntity<typeof Watchlist>;
