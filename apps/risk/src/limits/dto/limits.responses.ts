import { z } from 'zod';
import { wire } from '@alphintra/platform-http';

export const limitsResponse = z.object({
  userId: wire.uuid(),
  maxOrderNotional: wire.decimal(),
  maxPositionNotional: wire.decimal(),
  maxOpenOrders: z.number().int(),
  maxOrdersPerDay: z.number().int(),
  allowedSides: z.array(z.enum(['buy', 'sell'])),
  allowedSymbols: z.array(z.string()).nullable().describe('null: every instrument'),
  dailyLossLimit: wire.decimal().nullable().describe('a loss of the UTC day (realized + unrealized) that halts the account; null: none'),
  maxDrawdownPct: wire.decimal().nullable().describe('a drawdown in percent that halts the account; null: none'),
  source: z.enum(['account', 'default']),
  updatedBy: wire.uuid().nullable(),
  updatedAt: wire.timestamp().nullable(),
});
