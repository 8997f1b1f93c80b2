import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { parseStrategySpec, runBacktest, type BacktestResult, type SymbolBars } from '@alphintra/backtesting';
import { BacktestCompleted, BacktestFailed } from '@alphintra/contracts';
import { query } from '@alphintra/platform-database';
import { LOGGER } from '@alphintra/platform-http';
import { OutboxPublisher } from '@alphintra/platform-messaging';

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

/** A job whose worker has not finished it within the lease is taken to have crashed and is claimed again. */
export const LEASE_SECONDS = 300;
/** Claims beyond this (crash loops) fail the job instead of running it again. */
export const MAX_ATTEMPTS = 3;
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
 * Runs queued backtests inside the service process. Jobs live in PostgreSQL (`backtest`): a claim
 * takes the oldest queued job, or a running one whose lease expired, with FOR UPDATE SKIP LOCKED,
 * so replicas never take the same job at once. Results, the final status and the
 * `strategy.backtest.completed|failed` event commit in one transaction guarded by
 * `status = 'running' and locked_by = me`, so each job completes exactly once.
 */
@Injectable()
export class BacktestWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private loop?: Promise<void>;
  private running = false;
  private wake?: () => void;

  constructor(
    private readonly orm: MikroORM,
    private readonly outbox: OutboxPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
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
    this.loop = (async () => {
      while (this.running) {
        let worked = false;
        try {
          worked = await this.runOne();
        } catch (err) {
          this.logger.error({ err }, 'backtest worker iteration failed');
        }
        if (!worked && this.running) await new Promise<void>((r) => ((this.wake = r), setTimeout(r, POLL_MS)));
      }
    })();
  }

  /** Stops claiming; a job being run is finished first. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
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
    let result: BacktestResult;
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
        JSON.stringify(result.trades),
        JSON.stringify(result.equityCurve),
      ]);
      await this.outbox.record(em, BacktestCompleted, job.id, {
        backtestId: job.id,
        strategyId: job.strategyId,
        userId: job.userId,
        executionId: job.executionId,
        totalReturn: result.metrics.totalReturn,
        sharpe: result.metrics.sharpe,
        maxDrawdown: result.metrics.maxDrawdown,
        trades: result.trades.length,
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
   * Loads the spec and the stored bars, then runs the pure backtester. Prices are read as doubles
   * for the indicators (NUMERIC(20,6) prices have at most 15 significant digits in practice, and a
   * double holding one converts back to the same decimal, so fills in Dec are exact).
   */
  private async compute(job: BacktestJob): Promise<BacktestResult> {
    const em = this.orm.em.fork();
    const [strategy] = await query<{ spec: unknown }>(em, `select "spec" from "strategy_data"."strategy" where "id" = $1`, [job.strategyId]);
    if (!strategy) throw new Error(`strategy ${job.strategyId} no longer exists`);
    const parsed = parseStrategySpec(strategy.spec);
    if (!parsed.ok) throw new Error(`strategy spec is invalid: ${parsed.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
    const rows = await query<{ symbol: string; date: string; open: number; high: number; low: number; close: number }>(
      em,
      `select "symbol", "date"::text as "date", "open"::float8 as "open", "high"::float8 as "high", "low"::float8 as "low", "close"::float8 as "close"
       from "strategy_data"."stock_history" where "symbol" = any($1::text[]) and "date" between $2 and $3 order by "symbol", "date"`,
      [job.symbols, job.from, job.to],
    );
    const bySymbol = new Map<string, SymbolBars>();
    for (const r of rows) {
      let s = bySymbol.get(r.symbol);
      if (!s) bySymbol.set(r.symbol, (s = { symbol: r.symbol, dates: [], open: [], high: [], low: [], close: [] }));
      s.dates.push(r.date);
      (s.open as number[]).push(Number(r.open));
      (s.high as number[]).push(Number(r.high));
      (s.low as number[]).push(Number(r.low));
      (s.close as number[]).push(Number(r.close));
    }
    if (bySymbol.size === 0) throw new Error(`no bars for ${job.symbols.join(', ')} between ${job.from} and ${job.to}`);
    return runBacktest(parsed.spec, [...bySymbol.values()], job);
  }
}
