import { z } from 'zod';
import { wire } from '@alphintra/platform-http';

export const assessmentPageResponse = wire.page(
  z.object({
    id: wire.uuid(),
    orderId: wire.uuid(),
    userId: wire.uuid(),
    symbol: z.string(),
    decision: z.enum(['approved', 'rejected']),
    rules: z.array(z.object({ rule: z.string(), passed: z.boolean(), detail: z.string() })),
    reasons: z.array(z.string()),
    assessedAt: wire.timestamp(),
  }),
);
