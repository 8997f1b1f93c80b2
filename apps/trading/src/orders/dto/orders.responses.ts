import { z } from 'zod';
import { wire } from '@alphintra/platform-http';
import { ORDER_STATUSES } from '../order-state';

export const orderResponse = z.object({
  id: wire.uuid(),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  type: z.enum(['market', 'limit', 'stop', 'stop_limit', 'trailing_stop']),
  quantity: wire.decimal(),
  limitPrice: wire.decimal().nullable(),
  stopPrice: wire.decimal().nullable().describe('the trigger of a stop or stop_limit'),
  trailPrice: wire.decimal().nullable().describe("a trailing stop's distance from its best price since placement, in price"),
  trailPercent: wire.decimal().nullable().describe('… or in percent'),
  timeInForce: z.enum(['day', 'gtc', 'ioc', 'fok', 'opg', 'cls']),
  filledQuantity: wire.decimal(),
  avgFillPrice: wire.decimal().nullable(),
  status: z.enum(ORDER_STATUSES),
  rejectReason: z.string().nullable(),
  /** When a DAY order expires: the XNYS close of its session; null for GTC. */
  expiresAt: wire.timestamp().nullable(),
  createdAt: wire.timestamp(),
  updatedAt: wire.timestamp(),
  history: z.array(z.object({ status: z.enum(ORDER_STATUSES), at: wire.timestamp(), reason: z.string().nullable() })),
});
export const orderPageResponse = wire.page(orderResponse);

export const cancelAllResponse = z.array(z.object({ id: wire.uuid(), status: z.string(), code: z.string().optional() }));
