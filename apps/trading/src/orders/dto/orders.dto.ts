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

/**
 * An order as a client places it (Alpaca's semantics). Which prices a type takes: limit — limitPrice;
 * stop — stopPrice; stop_limit — both; trailing_stop — trailPrice or trailPercent (0 < % < 100).
 * ioc and fok are for market and limit orders; opg and cls (auction orders) are not offered yet (ADR 0036).
 */
export const orderBody = z
  .strictObject({
    symbol,
    side: z.enum(['buy', 'sell']),
    type: z.enum(['market', 'limit', 'stop', 'stop_limit', 'trailing_stop']),
    quantity: positiveAmount,
    limitPrice: positiveAmount.optional(),
    stopPrice: positiveAmount.optional(),
    trailPrice: positiveAmount.optional(),
    trailPercent: positiveAmount.refine((v) => !isDecimalString(v) || parseDecimal(v).lt(100), 'must be less than 100').optional(),
    timeInForce: z.enum(['day', 'gtc', 'ioc', 'fok']),
  })
  .superRefine((b, ctx) => {
    const needs = (field: 'limitPrice' | 'stopPrice', types: string[]) => {
      const wanted = types.includes(b.type);
      if (wanted && b[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is required for a ${b.type} order` });
      if (!wanted && b[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `must not be given for a ${b.type} order` });
    };
    needs('limitPrice', ['limit', 'stop_limit']);
    needs('stopPrice', ['stop', 'stop_limit']);
    const trails = [b.trailPrice, b.trailPercent].filter((t) => t !== undefined).length;
    if (b.type === 'trailing_stop' && trails !== 1) ctx.addIssue({ code: 'custom', path: ['trailPrice'], message: 'exactly one of trailPrice and trailPercent is required for a trailing_stop order' });
    if (b.type !== 'trailing_stop') {
      if (b.trailPrice !== undefined) ctx.addIssue({ code: 'custom', path: ['trailPrice'], message: `must not be given for a ${b.type} order` });
      if (b.trailPercent !== undefined) ctx.addIssue({ code: 'custom', path: ['trailPercent'], message: `must not be given for a ${b.type} order` });
    }
    if ((b.timeInForce === 'ioc' || b.timeInForce === 'fok') && b.type !== 'market' && b.type !== 'limit')
      ctx.addIssue({ code: 'custom', path: ['timeInForce'], message: `${b.timeInForce} is for market and limit orders` });
  });
export type OrderBody = z.infer<typeof orderBody>;

/** Visible ASCII, as an HTTP header value a client generates (a UUID, typically). */
export const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,255}$/);

export const orderParams = z.strictObject({ id: z.uuid() });
export const ordersQuery = pageQuery.extend({ status: z.enum(ORDER_STATUSES).optional() }).strict();
export type OrdersQuery = z.infer<typeof ordersQuery>;
