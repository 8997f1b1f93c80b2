import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { runBacktestInThread, type PackedBars, type ThreadResult } from '@alphintra/backtesting';
import { BacktestCompleted, BacktestFailed } from '@alphintra/contracts';
import { query } from '@alphintra/platform-database';
import { LeasedWorker, type JobOutcome, type JobSettlement } from '@alphintra/platform-jobs';
import { LOGGER, PLATFORM } from '@alphintra/platform-http';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import type { StrategyEnv } from '../env';
import { BACKTEST_JOBS_CHANNEL, LEASE_SECONDS, MAX_ATTEMPTS } from './backtest.limits';

export interface BacktestJob {
  id: string;
  userId: string;
  strategyId: string;
  symbols: string[];
  from: string;
  to: string;
  initialCapital: string;
  commissionBps: string;
  slippageBps: string;
  executionId: string | null;
  attempts: number;
}

const POLL_MS = 250;

/** Claims are counted in `attempts`; one past MAX_ATTEMPTS (the ones before were interrupted) fails the job without running it. */
const CLAIM_SQL = `
  update "strategy_data"."backtest"
  set "status" = 'running', "locked_by" = $1, "locked_at" = now(), "attempts" = "attempts" + 1, "started_at" = coalesce("started_at", now())
  where "id" in (
    select "id" from "strategy_data"."backtest"
    where "status" = 'queued' or ("status" = 'running' and "locked_at" < now() - make_interval(secs => $2))
    order by "created_at"
    for update skip locked
    limit $3)
  returning "id", "user_id" as "userId", "strategy_id" as "strategyId", "symbols", "from_date"::text as "from", "to_date"::text as "to",
    "initial_capital"::text as "initialCapital", "commission_bps"::text as "commissionBps", "slippage_bps"::text as "slippageBps",
    "execution_id" as "executionId", "attempts"`;

/** A live worker moves its lease on while the job runs. */
const RENEW_SQL = `
  update "strategy_data"."backtest" set "locked_at" = now()
  where "id" = $1 and "status" = 'running' and "locked_by" = $2
  returning "id"`;

/** Finishing is guarded by the claim: a worker whose lease was taken over finishes nothing. */
const FINISH_SQL = `
  update "strategy_data"."backtest" set "status" = $3, "error" = $4, "finished_at" = now()
  where "id" = $1 and "status" = 'running' and "locked_by" = $2
  returning to_json("finished_at")#>>'{}' as "finishedAt"`;

/**
 * Runs queued backtests for the service process, each computed in a worker thread of its own
 * (BACKTEST_CONCURRENCY at once) so HTTP and Kafka keep their event loop. Jobs live in PostgreSQL
 * (`backtest`) and the loop is `LeasedWorker` of @alphintra/platform-jobs: a claim takes the oldest
 * queued job, or a running one whose lease expired, with FOR UPDATE SKIP LOCKED, so replicas never
 * take the same job at once; an enqueue wakes the workers (NOTIFY), polling every 250 ms is the
 * fallback. A failed backtest is not tried again. Results, the final status and the
 * `strategy.backtest.completed|failed` event commit in one transaction guarded by
 * `status = 'running' and locked_by = me`, so each job completes exactly once.
 */
@Injectable()
export class BacktestWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly jobs: LeasedWorker<BacktestJob, ThreadResult>;

  constructor(
    private readonly orm: MikroORM,
    private readonly outbox: OutboxPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM) private readonly platform: { env: StrategyEnv },
  ) {
    const env = platform.env;
    this.jobs = new LeasedWorker<BacktestJob, ThreadResult>(
      {
        claim: (workerId, limit, leaseSeconds) => query<BacktestJob>(this.orm.em.fork(), CLAIM_SQL, [workerId, leaseSeconds, limit]),
        renew: async (job, workerId) => (await query(this.orm.em.fork(), RENEW_SQL, [job.id, workerId])).length > 0,
        run: (job) => this.compute(job),
        settle: (job, s, workerId) => this.settle(job, s, workerId),
      },
      {
        name: 'backtest',
        logger,
        leaseSeconds: LEASE_SECONDS,
        pollMs: POLL_MS,
        concurrency: env.BACKTEST_CONCURRENCY,
        maxAttempts: MAX_ATTEMPTS,
        overMaxAttempts: 'fail',
        wake: { connection: env.database.runtime, channel: BACKTEST_JOBS_CHANNEL },
      },
    );
  }

  get workerId(): string {
    return this.jobs.workerId;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    this.jobs.start();
  }

  /** Stops claiming; jobs being run are finished first. */
  stop(): Promise<void> {
    return this.jobs.stop();
  }

  /** Claims and runs one job; false when none was waiting. */
  async runOne(): Promise<boolean> {
    return (await this.jobs.runOnce()) > 0;
  }

  async claim(): Promise<BacktestJob | null> {
    const [job] = await this.jobs.claim(1);
    return job ?? null;
  }

  process(job: BacktestJob): Promise<JobOutcome> {
    return this.jobs.process(job);
  }

  private settle(job: BacktestJob, s: JobSettlement<ThreadResult>, workerId: string): Promise<boolean> {
    switch (s.kind) {
      case 'completed':
        return this.complete(job, s.result, workerId);
      case 'exhausted':
        return this.fail(job, `gave up after ${s.maxAttempts} interrupted attempts`, workerId);
      default:
        this.logger.warn({ err: s.error, backtestId: job.id }, 'backtest failed');
        return this.fail(job, s.error instanceof Error ? s.error.message : String(s.error), workerId);
    }
  }

  private complete(job: BacktestJob, result: ThreadResult, workerId: string): Promise<boolean> {
    return this.orm.em.fork().transactional(async (em) => {
      const [row] = await query<{ finishedAt: string }>(em, FINISH_SQL, [job.id, workerId, 'completed', null]);
      if (!row) return false;
      await query(em, `insert into "strategy_data"."backtest_result" ("backtest_id", "metrics", "trades", "equity_curve") values ($1, $2::jsonb, $3::jsonb, $4::jsonb)`, [
        job.id,
        JSON.stringify(result.metrics),
        result.tradesJson,
        result.equityCurveJson,
      ]);
      await this.outbox.record(em, BacktestCompleted, job.id, {
        backtestId: job.id,
        strategyId: job.strategyId,
        userId: job.userId,
        executionId: job.executionId,
        totalReturn: result.metrics.totalReturn,
        sharpe: result.metrics.sharpe,
        maxDrawdown: result.metrics.maxDrawdown,
        trades: result.trades,
        completedAt: row.finishedAt,
      });
      return true;
    });
  }

  private fail(job: BacktestJob, reason: string, workerId: string): Promise<boolean> {
    return this.orm.em.fork().transactional(async (em: EntityManager) => {
      const [row] = await query<{ finishedAt: string }>(em, FINISH_SQL, [job.id, workerId, 'failed', reason]);
      if (!row) return false;
      await this.outbox.record(em, BacktestFailed, job.id, {
        backtestId: job.id,
        strategyId: job.strategyId,
        userId: job.userId,
        executionId: job.executionId,
        reason,
        failedAt: row.finishedAt,
      });
      return true;
    });
  }

  /**
   * Loads the spec and the stored bars, one row of comma-separated columns per symbol, so this
   * event loop handles a few strings however long the range; the thread parses and runs them.
   * Prices travel as float8 text for the indicators (NUMERIC(20,6) prices have at most 15
   * significant digits in practice, and a double holding one converts back to the same decimal,
   * so fills in Dec are exact).
   */
  private async compute(job: BacktestJob): Promise<ThreadResult> {
    const em = this.orm.em.fork();
    const [strategy] = await query<{ spec: unknown }>(em, `select "spec" from "strategy_data"."strategy" where "id" = $1`, [job.strategyId]);
    if (!strategy) throw new Error(`strategy ${job.strategyId} no longer exists`);
    const column = (c: string) => `string_agg("${c}"::float8::text, ',' order by "date") as "${c}"`;
    const bars = await query<PackedBars>(
      em,
      `select "symbol", string_agg("date"::text, ',' order by "date") as "dates", ${['open', 'high', 'low', 'close'].map(column).join(', ')}
       from "strategy_data"."stock_history" where "symbol" = any($1::text[]) and "date" between $2 and $3 group by "symbol" order by "symbol"`,
      [job.symbols, job.from, job.to],
    );
    if (bars.length === 0) throw new Error(`no bars for ${job.symbols.join(', ')} between ${job.from} and ${job.to}`);
    const { env } = this.platform;
    return runBacktestInThread(
      { spec: strategy.spec, bars, params: { initialCapital: job.initialCapital, commissionBps: job.commissionBps, slippageBps: job.slippageBps } },
      { timeBudgetMs: env.BACKTEST_TIME_BUDGET_MS, maxMemoryMb: env.BACKTEST_MAX_MEMORY_MB },
    );
  }
}
