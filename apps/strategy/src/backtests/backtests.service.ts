import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { PLATFORM, type FieldError } from '@alphintra/platform-http';
import { query } from '@alphintra/platform-database';
import { announceJobs } from '@alphintra/platform-jobs';
import { ServiceRejectedError, ServiceUnavailableError, type CallerHeaders } from '@alphintra/strategy-client';
import { wireDecimal } from '../common/decimal';
import type { StrategyEnv } from '../env';
import { NocodeExecutions } from '../nocode/nocode-executions';
import { BacktestNotFoundError, ExecutionUncheckedError, InvalidBacktestError, TooManyActiveBacktestsError } from './backtests.errors';
import { BACKTEST_JOBS_CHANNEL } from './backtest.limits';
import type { BacktestJob } from './backtest.worker';
import type { CreateBacktestBody } from './dto/backtest.dto';

/** What the API shows of a backtest: the job as queued, plus its progress and results. */
interface BacktestView extends Omit<BacktestJob, 'userId'> {
  status: 'queued' | 'running' | 'completed' | 'failed';
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  metrics: Record<string, unknown> | null;
  trades: unknown[] | null;
  equityCurve: unknown[] | null;
}

const EXECUTION_TAKEN: FieldError = { path: 'executionId', message: 'already has a backtest' };

@Injectable()
export class BacktestsService {
  constructor(
    private readonly em: EntityManager,
    private readonly executions: NocodeExecutions,
    @Inject(PLATFORM) private readonly platform: { env: StrategyEnv },
  ) {}

  /**
   * Queues a backtest of one of the caller's strategies; a worker (BacktestWorker) runs it. Every id
   * in the body must be the caller's: the strategy here, the no-code execution at nocode, its owner.
   */
  async enqueue(userId: string, b: CreateBacktestBody, caller: CallerHeaders) {
    const errors: FieldError[] = [];
    const [strategy] = await query<{ id: string }>(this.em, `select "id" from "strategy_data"."strategy" where "id" = $1 and "user_id" = $2`, [b.strategyId, userId]);
    if (!strategy) errors.push({ path: 'strategyId', message: 'is not one of your strategies' });
    const listed = await query<{ symbol: string }>(this.em, `select "symbol" from "strategy_data"."stock" where "symbol" = any($1::text[])`, [b.symbols]);
    const known = new Set(listed.map((r) => r.symbol));
    b.symbols.forEach((s, i) => {
      if (!known.has(s)) errors.push({ path: `symbols.${i}`, message: `is not an instrument strategy lists ("${s}")` });
    });
    if (b.executionId) errors.push(...(await this.checkExecution(b.executionId, caller)));
    if (errors.length) throw new InvalidBacktestError(errors);
    const id = randomUUID();
    const limit = this.platform.env.BACKTEST_MAX_ACTIVE_PER_USER;
    try {
      await this.em.transactional(async (em) => {
        // One user's enqueues take turns, so two at once cannot both pass the quota.
        await query(em, `select pg_advisory_xact_lock(hashtext($1))`, [`alphintra:strategy:backtests-of:${userId}`]);
        const [active] = await query<{ n: number }>(em, `select count(*)::int as "n" from "strategy_data"."backtest" where "user_id" = $1 and "status" in ('queued', 'running')`, [userId]);
        if (active!.n >= limit) throw new TooManyActiveBacktestsError(limit);
        await query(
          em,
          `insert into "strategy_data"."backtest" ("id", "user_id", "strategy_id", "symbols", "from_date", "to_date", "initial_capital", "commission_bps", "slippage_bps", "execution_id")
           values ($1, $2, $3, $4::text[], $5, $6, $7, $8, $9, $10)`,
          [id, userId, b.strategyId, b.symbols, b.from, b.to, b.initialCapital, b.commissionBps, b.slippageBps, b.executionId ?? null],
        );
        await announceJobs(em, BACKTEST_JOBS_CHANNEL);
      });
    } catch (e) {
      // A concurrent request naming the same execution won the race.
      if ((e as { constraint?: string }).constraint === 'backtest_execution_key') throw new InvalidBacktestError([EXECUTION_TAKEN]);
      throw e;
    }
    return { id, status: 'queued' as const };
  }

  /** Nocode shows the caller only their own executions; one already run (or being run) takes no second backtest. */
  private async checkExecution(executionId: string, caller: CallerHeaders): Promise<FieldError[]> {
    let execution;
    try {
      execution = await this.executions.ofCaller(executionId, caller);
    } catch (e) {
      if (e instanceof ServiceUnavailableError || e instanceof ServiceRejectedError) throw new ExecutionUncheckedError(e.message);
      throw e;
    }
    if (!execution) return [{ path: 'executionId', message: 'is not one of your workflow executions' }];
    if (execution.status !== 'queued' || execution.backtestId !== null) return [EXECUTION_TAKEN];
    return [];
  }

  async get(userId: string, id: string): Promise<BacktestView> {
    const [row] = await query<BacktestView>(
      this.em,
      `select b."id", b."strategy_id" as "strategyId", b."symbols", b."from_date"::text as "from", b."to_date"::text as "to",
         b."initial_capital"::text as "initialCapital", b."commission_bps"::text as "commissionBps", b."slippage_bps"::text as "slippageBps",
         b."execution_id" as "executionId", b."status", b."attempts", b."error",
         to_json(b."created_at")#>>'{}' as "createdAt", to_json(b."started_at")#>>'{}' as "startedAt", to_json(b."finished_at")#>>'{}' as "finishedAt",
         r."metrics", r."trades", r."equity_curve" as "equityCurve"
       from "strategy_data"."backtest" b left join "strategy_data"."backtest_result" r on r."backtest_id" = b."id"
       where b."id" = $1 and b."user_id" = $2`,
      [id, userId],
    );
    if (!row) throw new BacktestNotFoundError(id);
    return {
      ...row,
      initialCapital: wireDecimal(row.initialCapital)!,
      commissionBps: wireDecimal(row.commissionBps, 4)!,
      slippageBps: wireDecimal(row.slippageBps, 4)!,
    };
  }
}
