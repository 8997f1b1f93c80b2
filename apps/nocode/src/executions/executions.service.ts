import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { BacktestCompleted, BacktestFailed, EventData } from '@alphintra/contracts';
import { uuidv7 } from '@alphintra/platform-database';
import { LOGGER } from '@alphintra/platform-http';
import { StrategyClient, StrategyRejectedError, StrategyUnavailableError, type CallerHeaders } from '@alphintra/strategy-client';
import type { RunBody } from '../workflows/dto/workflow.dto';
import { Workflow } from '../workflows/workflow.entity';
import { BacktestRefusedError } from '../workflows/workflow.errors';
import { WorkflowsService } from '../workflows/workflows.service';
import { Execution } from './execution.entity';
import { ExecutionNotFoundError, StrategyDownError, TooManyBacktestsError } from './executions.errors';

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
    @Inject(LOGGER) private readonly logger: Logger,
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
      if (e instanceof StrategyRejectedError) throw e.status === 429 ? new TooManyBacktestsError(e.detail) : new BacktestRefusedError(e.detail);
      throw new StrategyDownError();
    }
  }

  /** One of the caller's executions; strategy asks this (as the caller) before a backtest may name it. */
  async get(userId: string, id: string) {
    const x = await this.owned(this.em, userId, id);
    if (!x) throw new ExecutionNotFoundError();
    return executionView(x);
  }

  async list(userId: string, id: string) {
    await this.workflows.owned(this.em, userId, id);
    const rows = await this.em.find(Execution, { workflowId: id }, { orderBy: { id: 'desc' } });
    return { items: rows.map(executionView), nextCursor: null };
  }

  /**
   * A completed backtest of a workflow run completes its execution; other backtests are not ours.
   * The backtest's user must own the execution, and an execution takes the result of one backtest.
   */
  async completed(d: EventData<typeof BacktestCompleted>, em: EntityManager): Promise<void> {
    if (!d.executionId || !(await this.ownedBy(em, d))) return;
    await em.nativeUpdate(
      Execution,
      { id: d.executionId, status: { $ne: 'completed' }, $or: [{ backtestId: null }, { backtestId: d.backtestId }] },
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
    if (!d.executionId || !(await this.ownedBy(em, d))) return;
    await em.nativeUpdate(
      Execution,
      { id: d.executionId, status: { $in: ['queued', 'running'] }, $or: [{ backtestId: null }, { backtestId: d.backtestId }] },
      { status: 'failed', backtestId: d.backtestId, error: d.reason, updatedAt: new Date() },
    );
  }

  /** The execution if it belongs to one of the user's workflows. */
  private async owned(em: EntityManager, userId: string, id: string): Promise<Execution | null> {
    const x = await em.findOne(Execution, { id });
    return x && (await em.count(Workflow, { id: x.workflowId, userId })) > 0 ? x : null;
  }

  private async ownedBy(em: EntityManager, d: { executionId: string | null; userId: string; backtestId: string }): Promise<boolean> {
    if (await this.owned(em, d.userId, d.executionId!)) return true;
    this.logger.warn({ executionId: d.executionId, backtestId: d.backtestId, userId: d.userId }, "a backtest named another user's execution (or none); ignored");
    return false;
  }
}
