import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** The screener filters strategy defines, replicated so custom screeners can carry a real foreign key. */
export const FilterRef = defineEntity({
  name: 'FilterRef',
  tableName: 'filter_ref',
  properties: {
    id: p.uuid().primary(),
    /** Null on a tombstone, like `key` and `label`: a retirement of a filter never seen. */
    kind: p.enum(['numeric', 'categorical'] as const).nullable(),
    key: p.text().nullable(),
    label: p.text().nullable(),
    status: p.enum(['active', 'retired'] as const),
    /** The source's time of the last fact applied; an older one changes nothing (ADR 0032). */
    updatedAt: p.datetime(),
  },
});
export type FilterRef = InferEntity<typeof FilterRef>;
