import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';
import { TextArrayType } from '@alphintra/platform-database';
import type { RuleOutcome } from './rules';

/** One decision per order, with every rule's outcome. */
export const RiskAssessment = defineEntity({
  name: 'RiskAssessment',
  tableName: 'risk_assessment',
  properties: {
    id: p.uuid().primary(),
    orderId: p.uuid().unique(),
    userId: p.uuid(),
    symbol: p.text(),
    decision: p.enum(['approved', 'rejected'] as const),
    rules: p.json<RuleOutcome[]>(),
    reasons: p.type(TextArrayType),
    assessedAt: p.datetime(),
  },
});
export type RiskAssessment = InferEntity<typeof RiskAssessment>;
