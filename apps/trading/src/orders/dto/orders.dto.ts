import { z } from 'zod';
import { decimalString, symbol } from '@alphintra/contracts';
import { isDecimalString, parseDecimal } from '@alphintra/money';
import { pageQuery } from '@alphintra/platform-http';
import { ORDER_STATUSES } from '../order-state';

// zod runs refinements after a failed regex too; a malformed value has been reported already.
export const positiveAmount = decimalString
  .refine((v) => !isDecimalString(v) || parseDecimal(v).gt(0), 'must be greater than 0')
  .refine((v) => !isDecimalString(v) || parseDecimal(v).lt('1e20'), 'must be less than 1e20')
  .refine((v) => (v.split('.')[1]?.length ?? 0) <= 8, 'must have at most 8 decimal places');

export const orderBody = z
  .strictObject({
    symbol,
    side: z.enum(['buy', 'sell']),
    type: z.enum(['market', 'limit']),
    quantity: positiveAmount,
    limitPrice: positiveAmount.optional(),
    timeInForce: z.enum(['day', 'gtc']),
  })
  .superRefine((b, ctx) => {
    if (b.type === 'limit' && b.limitPrice === undefined) ctx.addIssue({ code: 'custom', path: ['limitPrice'], message: 'is required for a limit order' });
    if (b.type === 'market' && b.limitPrice !== undefined) ctx.addIssue({ code: 'custom', path: ['limitPrice'], message: 'must not be given for a market order' });
  });
export type OrderBody = z.infer<typeof orderBody>;

/** Visible ASCII, as an HTTP header value a client generates (a UUID, typically). */
export const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,255}$/);

export const orderParams = z.strictObject({ id: z.uuid() });
export const ordersQuery = pageQuery.extend({ status: z.enum(ORDER_STATUSES).optional() }).strict();
export type OrdersQuery = z.infer<typeof ordersQuery>;
