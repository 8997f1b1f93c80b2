import { z } from 'zod';
import { wire } from '@alphintra/platform-http';

export const accountResponse = z.object({
  userId: wire.uuid(),
  state: z.enum(['active', 'reduce_only', 'halted']),
  reason: z.string().nullable(),
  trigger: z.enum(['owner', 'compliance', 'daily_loss_limit', 'max_drawdown']).nullable().describe('who set the state; null: never changed'),
  actor: z.string().nullable(),
  cancelOpenOrders: z.boolean(),
  flatten: z.boolean(),
  version: z.number().int().describe('0: never changed'),
  changedAt: wire.timestamp().nullable(),
  dailyLossLimit: wire.decimal().nullable(),
  maxDrawdownPct: wire.decimal().nullable(),
  today: z
    .object({ date: wire.date(), realizedPnl: wire.decimal(), unrealizedPnl: wire.decimal(), pnl: wire.decimal() })
    .describe('the P&L of the UTC day as risk computes it for the daily loss limit'),
  drawdownPct: wire.decimal().nullable().describe('the drawdown in percent since tracking began or the last drawdown halt was lifted; null: no max drawdown set'),
});
