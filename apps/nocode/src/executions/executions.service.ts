import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { BacktestCompleted, BacktestFailed, EventData } from '@alphintra/contracts';
import { uuidv7 } from '@alphintra/platform-database';
import { StrategyClient, StrategyRejectedError, StrategyUnavailableError, type CallerHeaders } from '@alphintra/strategy-client';
import type { RunBody } from '../workflows/dto/workflow.dto';
import { BacktestRefusedError } from '../workflows/workflow.errors';
import { WorkflowsService } from '../workflows/workflows.service';
import { Execution } from './execution.entity';

const idOf = (body: unknown, what: string): string => {
  const id = (body as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw new StrategyUnavailableError(`strategy answered ${what} without an id`);
  return id;
};

export const executionView = (x: Execution) => ({
  id: x.id,
  workflowId: x.workflowId,
  version: x.version,
  status: x.status,
  backtestId: x.backtestId ?? null,
  metrics: x.metrics ?? null,
  error: x.error ?? null,
  createdAt: x.createdAt.toISOString(),
  updatedAt: x.updatedAt.toISOString(),
});

@Injectable()
export class ExecutionsService {
  constructor(
    private readonly em: EntityManager,
    private readonly workflows: WorkflowsService,
    private readonly strategy: StrategyClient,
  ) {}

  /**
   * Records the execution (queued) first, so a run strategy never hears of still leaves a trace;
   * then registers the compiled spec with strategy and asks it for the backtest, as the caller.
   */
  async run(userId: string, id: string, body: RunBody, caller: CallerHeaders): Promise<{ executionId: string }> {
    const { workflow, version, spec, executionId } = await this.em.transactional(async (em) => {
      const compiled = await this.workflows.compile(em, userId, id);
      const x = em.create(Execution, { id: uuidv7(), workflowId: id, version: compiled.version, status: 'queued' });
      await em.flush();
      return { ...compiled, executionId: x.id };
    });
    try {
      const strategyId = idOf(await this.strategy.post('/api/v1/strategies', { name: `${workflow.name} (v${version})`, spec }, caller), 'POST /api/v1/strategies');
      const backtestId = idOf(
        await this.strategy.post(
          '/api/v1/backtests',
          {
            strategyId,
            symbols: body.symbols,
            from: body.from,
            to: body.to,
            initialCapital: body.initialCapital,
            commissionBps: String(body.commissionBps),
            slippageBps: String(body.slippageBps),
            executionId,
          },
          caller,
        ),
        'POST /api/v1/backtests',
      );
      await this.em.fork().nativeUpdate(Execution, { id: executionId }, { backtestId });
      return { executionId };
    } catch (e) {
      if (!(e instanceof StrategyUnavailableError || e instanceof StrategyRejectedError)) throw e;
      await this.em.fork().nativeUpdate(Execution, { id: executionId, status: { $in: ['queued', 'running'] } }, { status: 'failed', error: e.message, updatedAt: new Date() });
      if (e instanceof StrategyRejectedError) throw new BacktestRefusedError(e.detail);
      throw new ServiceUnavailableException('Strategy, which runs backtests, is unavailable; the execution was recorded as failed. Try again shortly.');
    }
  }

  async list(userId: string, id: string) {
    await this.workflows.owned(this.em, userId, id);
    const rows = await this.em.find(Execution, { workflowId: id }, { orderBy: { id: 'desc' } });
    return { items: rows.map(executionView), nextCursor: null };
  }

  /** A completed backtest of a workflow run completes its execution; other backtests are not ours. */
  async completed(d: EventData<typeof BacktestCompleted>, em: EntityManager): Promise<void> {
    if (!d.executionId) return;
    await em.nativeUpdate(
      Execution,
      { id: d.executionId, status: { $ne: 'completed' } },
      {
        status: 'completed',
        backtestId: d.backtestId,
        metrics: { totalReturn: d.totalReturn, sharpe: d.sharpe, maxDrawdown: d.maxDrawdown, trades: d.trades },
        error: null,
        updatedAt: new Date(),
      },
    );
  }

  async failed(d: EventData<typeof BacktestFailed>, em: EntityManager): Promise<void> {
    if (!d.executionId) return;
    await em.nativeUpdate(Execution, { id: d.executionId, status: { $in: ['queued', 'running'] } }, { status: 'failed', backtestId: d.backtestId, error: d.reason, updatedAt: new Date() });
  }
}
