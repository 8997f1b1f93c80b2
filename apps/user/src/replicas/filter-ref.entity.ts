import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** The screener filters strategy defines, replicated so custom screeners can carry a real foreign key. */
export const FilterRef = defineEntity({
  name: 'FilterRef',
  tableName: 'filter_ref',
  properties: {
    id: p.uuid().primary(),
    kind: p.enum(['numeric', 'categorical'] as const),
    key: p.text(),
    label: p.text(),
    status: p.enum(['active', 'retired'] as const),
    /** The source's time of the last change applied; an older event changes nothing. */
    updatedAt: p.datetime(),
  },
});
export type FilterRef = InferEntity<typeof FilterRef>;
