import { z } from 'zod';
import { pageQuery } from '@alphintra/platform-http';
import { isDecimalString, parseDecimal } from '@alphintra/money';
import { positiveAmount } from '../../orders/dto/orders.dto';

export const depositBody = z.strictObject({ amount: positiveAmount });
export type DepositBody = z.infer<typeof depositBody>;

export const activitiesQuery = pageQuery
  .extend({ type: z.enum(['fill', 'deposit', 'withdrawal']).optional(), after: z.iso.datetime({ offset: true }).optional(), until: z.iso.datetime({ offset: true }).optional() })
  .strict();
export type ActivitiesQuery = z.infer<typeof activitiesQuery>;

export const closePositionQuery = z
  .strictObject({
    quantity: positiveAmount.optional(),
    percentage: positiveAmount.refine((v) => !isDecimalString(v) || parseDecimal(v).lte(100), 'must be at most 100').optional(),
  })
  .refine((q) => !(q.quantity && q.percentage), { message: 'give quantity or percentage, not both', path: ['percentage'] });
export type ClosePositionQuery = z.infer<typeof closePositionQuery>;

/** yyyy-mm, 1970 to 2999: the ledger has nothing earlier, and PostgreSQL refuses year 0. */
export const statementParams = z.strictObject({ month: z.string().regex(/^(19[7-9]\d|2\d{3})-(0[1-9]|1[0-2])$/, 'must be yyyy-mm, 1970-01 to 2999-12') });
