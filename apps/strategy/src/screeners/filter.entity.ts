import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

export const FILTER_STATUSES = ['active', 'retired'] as const;

/** A numeric screen criterion (`market_cap`, `pe_ratio`, …) and the stock column it reads. */
export const NumericFilter = defineEntity({
  name: 'NumericFilter',
  tableName: 'numeric_filter',
  properties: {
    id: p.uuid().primary(),
    key: p.text().unique(),
    label: p.text(),
    columnName: p.text(),
    valueType: p.enum(['decimal', 'integer'] as const),
    unit: p.text().nullable(),
    status: p.enum(FILTER_STATUSES),
    announcedAt: p.datetime().nullable(),
  },
});
export type NumericFilter = InferEntity<typeof NumericFilter>;

/** A categorical screen criterion (`sector`, `exchange`, `country`) and the stock column it reads. */
export const CategoricalFilter = defineEntity({
  name: 'CategoricalFilter',
  tableName: 'categorical_filter',
  properties: {
    id: p.uuid().primary(),
    key: p.text().unique(),
    label: p.text(),
    columnName: p.text(),
    status: p.enum(FILTER_STATUSES),
    announcedAt: p.datetime().nullable(),
  },
});
export type CategoricalFilter = InferEntity<typeof CategoricalFilter>;
