import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

export const EXECUTION_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;

export interface ExecutionMetrics {
  totalReturn: string;
  sharpe: string | null;
  maxDrawdown: string;
  trades: number;
}

/** One backtest run of a workflow version, followed from strategy's backtest events. */
export const Execution = defineEntity({
  name: 'Execution',
  tableName: 'execution',
  properties: {
    id: p.uuid().primary(),
    workflowId: p.uuid(),
    version: p.integer(),
    status: p.enum(EXECUTION_STATUSES),
    backtestId: p.uuid().nullable(),
    metrics: p.json<ExecutionMetrics>().nullable(),
    error: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()),
  },
});
export type Execution = InferEntity<typeof Execution>;
