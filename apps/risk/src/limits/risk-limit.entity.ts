import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';
import { TextArrayType } from '@alphintra/platform-database';

/** An account's own limits; an account without a row trades under the configured defaults. */
export const RiskLimit = defineEntity({
  name: 'RiskLimit',
  tableName: 'risk_limit',
  properties: {
    userId: p.uuid().primary(),
    maxOrderNotional: p.decimal('string'),
    maxPositionNotional: p.decimal('string'),
    maxOpenOrders: p.integer(),
    maxOrdersPerDay: p.integer(),
    allowedSides: p.type(TextArrayType),
    allowedSymbols: p.type(TextArrayType).nullable(),
    dailyLossLimit: p.decimal('string').nullable(),
    maxDrawdownPct: p.decimal('string').nullable(),
    updatedBy: p.uuid(),
    updatedAt: p.datetime(),
  },
});
export type RiskLimit = InferEntity<typeof RiskLimit>;
