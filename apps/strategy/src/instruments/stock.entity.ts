import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

export const STOCK_STATUSES = ['listed', 'delisted'] as const;

/** An instrument: its reference data and the last-session figures screens filter on. */
export const Stock = defineEntity({
  name: 'Stock',
  tableName: 'stock',
  properties: {
    symbol: p.text().primary(),
    name: p.text(),
    exchange: p.text(),
    sector: p.text().nullable(),
    industry: p.text().nullable(),
    country: p.text().nullable(),
    currency: p.text(),
    marketCap: p.decimal('string'),
    peRatio: p.decimal('string').nullable(),
    status: p.enum(STOCK_STATUSES).default('listed'),
    lastPrice: p.decimal('string').nullable(),
    change1dPct: p.decimal('string').fieldName('change_1d_pct').nullable(),
    volume: p.bigint('string').nullable(),
    listedAt: p.datetime().onCreate(() => new Date()),
    delistedAt: p.datetime().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type Stock = InferEntity<typeof Stock>;
