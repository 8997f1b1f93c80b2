import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { runBacktestInThread, type PackedBars, type ThreadResult } from '@alphintra/backtesting';
import { BacktestCompleted, BacktestFailed } from '@alphintra/contracts';
import { query } from '@alphintra/platform-database';
import { LOGGER, PLATFORM } from '@alphintra/platform-http';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import type { StrategyEnv } from '../env';
import { LEASE_SECONDS, MAX_ATTEMPTS } from './backtest.limits';

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

export type JobOutcome = 'completed' | 'failed' | 'lost';

const POLL_MS = 250;

const CLAIM_SQL = `
  update "strategy_data"."backtest"
  set "status" = 'running', "locked_by" = $1, "locked_at" = now(), "attempts" = "attempts" + 1, "started_at" = coalesce("started_at", now())
  where "id" = (
    select "id" from "strategy_data"."backtest"
    where "status" = 'queued' or ("status" = 'running' and "locked_at" < now() - make_interval(secs => $2))
    order by "created_at"
    for update skip locked
    limit 1)
  returning "id", "user_id" as "userId", "strategy_id" as "strategyId", "symbols", "from_date"::text as "from", "to_date"::text as "to",
    "initial_capital"::text as "initialCapital", "commission_bps"::text as "commissionBps", "slippage_bps"::text as "slippageBps",
    "execution_id" as "executionId", "attempts"`;

/** Finishing is guarded by the claim: a worker whose lease was taken over finishes nothing. */
const FINISH_SQL = `
  update "strategy_data"."backtest" set "status" = $3, "error" = $4, "finished_at" = now()
  where "id" = $1 and "status" = 'running' and "locked_by" = $2
  returning to_json("finished_at")#>>'{}' as "finishedAt"`;

/**
 * Runs queued backtests for the service process, each computed in a worker thread of its own
 * (BACKTEST_CONCURRENCY at once) so HTTP and Kafka keep their event loop. Jobs live in PostgreSQL (`backtest`): a claim
 * takes the oldest queued job, or a running one whose lease expired, with FOR UPDATE SKIP LOCKED,
 * so replicas never take the same job at once. Results, the final status and the
 * `strategy.backtest.completed|failed` event commit in one transaction guarded by
 * `status = 'running' and locked_by = me`, so each job completes exactly once.
 */
@Injectable()
export class BacktestWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private loops: Promise<void>[] = [];
  private running = false;
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly orm: MikroORM,
    private readonly outbox: OutboxPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PLATFORM) private readonly platform: { env: StrategyEnv },
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: this.platform.env.BACKTEST_CONCURRENCY }, () => this.loop());
  }

  /** Stops claiming; jobs being run are finished first. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakers.forEach((wake) => wake());
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        worked = await this.runOne();
      } catch (err) {
        this.logger.error({ err }, 'backtest worker iteration failed');
      }
      if (!worked && this.running) {
        await new Promise<void>((resolve) => {
          const wake = () => (this.wakers.delete(wake), resolve());
          this.wakers.add(wake);
          setTimeout(wake, POLL_MS);
        });
      }
    }
  }

  /** Claims and runs one job; false when none was waiting. */
  async runOne(): Promise<boolean> {
    const job = await this.claim();
    if (!job) return false;
    await this.process(job);
    return true;
  }

  async claim(): Promise<BacktestJob | null> {
    const [job] = await query<BacktestJob>(this.orm.em.fork(), CLAIM_SQL, [this.workerId, LEASE_SECONDS]);
    return job ?? null;
  }

  async process(job: BacktestJob): Promise<JobOutcome> {
    if (job.attempts > MAX_ATTEMPTS) return this.fail(job, `gave up after ${MAX_ATTEMPTS} interrupted attempts`);
    let result: ThreadResult;
    try {
      result = await this.compute(job);
    } catch (err) {
      this.logger.warn({ err, backtestId: job.id }, 'backtest failed');
      return this.fail(job, err instanceof Error ? err.message : String(err));
    }
    const done = await this.orm.em.fork().transactional(async (em) => {
      const [row] = await query<{ finishedAt: string }>(em, FINISH_SQL, [job.id, this.workerId, 'completed', null]);
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
    if (!done) this.logger.warn({ backtestId: job.id, workerId: this.workerId }, 'backtest lease lost; its result was discarded');
    return done ? 'completed' : 'lost';
  }

  private async fail(job: BacktestJob, reason: string): Promise<JobOutcome> {
    const done = await this.orm.em.fork().transactional(async (em: EntityManager) => {
      const [row] = await query<{ finishedAt: string }>(em, FINISH_SQL, [job.id, this.workerId, 'failed', reason]);
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
    return done ? 'failed' : 'lost';
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
