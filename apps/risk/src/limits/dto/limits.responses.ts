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
  source: z.enum(['account', 'default']),
  updatedBy: wire.uuid().nullable(),
  updatedAt: wire.timestamp().nullable(),
});
