import { z } from 'zod';
import { wire } from '@alphintra/platform-http';

export const venueOrderListResponse = wire.page(
  z.object({
    id: wire.uuid(),
    orderId: wire.uuid(),
    userId: wire.uuid(),
    connectionId: wire.uuid().nullable(),
    venue: z.string(),
    symbol: z.string(),
    side: z.enum(['buy', 'sell']),
    type: z.enum(['market', 'limit', 'stop', 'stop_limit', 'trailing_stop']),
    timeInForce: z.enum(['day', 'gtc', 'ioc', 'fok', 'opg', 'cls']).nullable().describe('null: accepted before the venue kept it'),
    quantity: wire.decimal(),
    limitPrice: wire.decimal().nullable(),
    stopPrice: wire.decimal().nullable(),
    trailPrice: wire.decimal().nullable(),
    trailPercent: wire.decimal().nullable(),
    mark: wire.decimal().nullable().describe("a trailing stop's best last price since acceptance: the highest for a sell, the lowest for a buy"),
    triggered: z.boolean().describe("whether a stop's trigger was reached (it then works as a market or limit order)"),
    worstPrice: wire.decimal().nullable().describe('no fill of a buy above it or a sell below it; null: routed before it existed'),
    slippageBps: z.number().int(),
    status: z.enum(['open', 'filled', 'cancelled', 'rejected']),
    cumulativeQuantity: wire.decimal(),
    createdAt: wire.timestamp(),
    executions: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(['fill', 'rejected', 'cancelled']),
        quantity: wire.decimal().nullable(),
        price: wire.decimal().nullable(),
        cumulativeQuantity: wire.decimal(),
        leavesQuantity: wire.decimal(),
        reason: z.string().nullable(),
        reportedAt: wire.timestamp(),
      }),
    ),
  }),
);
