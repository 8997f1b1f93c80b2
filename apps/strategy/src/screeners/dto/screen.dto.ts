import { z } from 'zod';
import { decimalString } from '@alphintra/contracts';
import { Dec, isDecimalString } from '@alphintra/money';
import { limitParam } from '../../common/page';

const bound = decimalString.max(40).nullable().optional();

const numericCriterion = z
  .object({ filterId: z.uuid(), min: bound, max: bound })
  .strict()
  .refine((c) => c.min == null || c.max == null || !isDecimalString(c.min) || !isDecimalString(c.max) || new Dec(c.min).lte(c.max), { path: ['max'], message: 'must not be below min' });

const categoricalCriterion = z
  .object({ filterId: z.uuid(), values: z.array(z.string().trim().min(1).max(100)).min(1).max(100) })
  .strict();

/** An ad-hoc screen: every criterion must hold (AND); values of one categorical criterion are alternatives (OR). */
export const screenBody = z
  .object({
    numeric: z.array(numericCriterion).max(20).default([]),
    categorical: z.array(categoricalCriterion).max(20).default([]),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict();
export type ScreenBody = z.infer<typeof screenBody>;

export const screenerParams = z.object({ id: z.uuid() });
export type ScreenerParams = z.infer<typeof screenerParams>;

export const runScreenerQuery = z.object({ limit: limitParam() });
export type RunScreenerQuery = z.infer<typeof runScreenerQuery>;
