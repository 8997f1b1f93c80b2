import { z } from 'zod';
import { decimalString, symbol } from '@alphintra/contracts';
import { formatDecimal, isDecimalString, parseDecimal } from '@alphintra/money';
import type { EffectiveLimits } from '../../assessments/rules';

// zod runs refinements after a failed regex too; a malformed value has been reported already.
const positiveAmount = decimalString
  .refine((v) => !isDecimalString(v) || parseDecimal(v).gt(0), 'must be greater than 0')
  .refine((v) => !isDecimalString(v) || parseDecimal(v).lt('1e30'), 'must be less than 1e30')
  .refine((v) => (v.split('.')[1]?.length ?? 0) <= 8, 'must have at most 8 decimal places');
const count = z.number().int().min(1).max(1_000_000);

export const limitsParams = z.strictObject({ userId: z.uuid() });

export const limitsBody = z.strictObject({
  maxOrderNotional: positiveAmount,
  maxPositionNotional: positiveAmount,
  maxOpenOrders: count,
  maxOrdersPerDay: count,
  allowedSides: z
    .array(z.enum(['buy', 'sell']))
    .min(1)
    .max(2)
    .refine((a) => new Set(a).size === a.length, 'must not repeat a side'),
  /** null: every instrument. */
  allowedSymbols: z
    .array(symbol)
    .max(1000)
    .refine((a) => new Set(a).size === a.length, 'must not repeat a symbol')
    .nullable(),
  /** A loss of the UTC day (realized + unrealized) that halts the account; null or absent: none. */
  dailyLossLimit: positiveAmount.nullable().optional(),
  /** A drawdown in percent that halts the account; null or absent: none. */
  maxDrawdownPct: decimalString
    .refine((v) => !isDecimalString(v) || (parseDecimal(v).gt(0) && parseDecimal(v).lte(100)), 'must be greater than 0 and at most 100')
    .refine((v) => (v.split('.')[1]?.length ?? 0) <= 4, 'must have at most 4 decimal places')
    .nullable()
    .optional(),
});
export type LimitsBody = z.infer<typeof limitsBody>;

export const limitsView = (userId: string, l: EffectiveLimits, source: 'account' | 'default', updatedAt: Date | null, updatedBy: string | null) => ({
  userId,
  maxOrderNotional: formatDecimal(parseDecimal(l.maxOrderNotional)),
  maxPositionNotional: formatDecimal(parseDecimal(l.maxPositionNotional)),
  maxOpenOrders: l.maxOpenOrders,
  maxOrdersPerDay: l.maxOrdersPerDay,
  allowedSides: l.allowedSides,
  allowedSymbols: l.allowedSymbols,
  dailyLossLimit: l.dailyLossLimit === null ? null : formatDecimal(parseDecimal(l.dailyLossLimit)),
  maxDrawdownPct: l.maxDrawdownPct === null ? null : formatDecimal(parseDecimal(l.maxDrawdownPct)),
  source,
  updatedBy,
  updatedAt: updatedAt?.toISOString() ?? null,
});
