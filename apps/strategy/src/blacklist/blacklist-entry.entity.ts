import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** A symbol compliance has barred from trading; risk keeps a replica of these. */
export const BlacklistEntry = defineEntity({
  name: 'BlacklistEntry',
  tableName: 'blacklist',
  properties: {
    symbol: p.text().primary(),
    reason: p.text().nullable(),
    addedBy: p.uuid(),
    addedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type BlacklistEntry = InferEntity<typeof BlacklistEntry>;
