import { z } from 'zod';
import type { RiskAssessment } from '../risk-assessment.entity';

export const assessmentsQuery = z.strictObject({
  orderId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** The last id of the previous page (ids are UUIDv7). */
  cursor: z.uuid().optional(),
});
export type AssessmentsQuery = z.infer<typeof assessmentsQuery>;

export const assessmentView = (a: RiskAssessment) => ({
  id: a.id,
  orderId: a.orderId,
  userId: a.userId,
  symbol: a.symbol,
  decision: a.decision,
  rules: a.rules,
  reasons: a.reasons,
  assessedAt: a.assessedAt.toISOString(),
});
