import { z } from 'zod';
import { wire } from '@alphintra/platform-http';
import { EXECUTION_STATUSES } from './execution.entity';

export const runStartedResponse = z.object({ executionId: wire.uuid() });
export const executionResponse = z.object({
  id: wire.uuid(),
  workflowId: wire.uuid(),
  version: z.number().int(),
  status: z.enum(EXECUTION_STATUSES),
  backtestId: wire.uuid().nullable(),
  metrics: z.object({ totalReturn: wire.decimal(), sharpe: wire.decimal().nullable(), maxDrawdown: wire.decimal(), trades: z.number().int() }).nullable(),
  error: z.string().nullable(),
  createdAt: wire.timestamp(),
  updatedAt: wire.timestamp(),
});
export const executionListResponse = wire.page(executionResponse);
