import { z } from 'zod';

export const accountParams = z.strictObject({ userId: z.uuid() });

const reason = z.string().trim().min(1).max(500);

export const haltBody = z.strictObject({
  reason,
  /** halted: no orders at all; reduce_only: sells only. */
  mode: z.enum(['halted', 'reduce_only']).default('halted'),
  /** Trading cancels the account's open orders. */
  cancelOpenOrders: z.boolean().default(true),
  /** Trading closes every position with market orders (sells stay allowed while halted). */
  flatten: z.boolean().default(false),
});
export type HaltBody = z.infer<typeof haltBody>;

export const resumeBody = z.strictObject({ reason });
export type ResumeBody = z.infer<typeof resumeBody>;
