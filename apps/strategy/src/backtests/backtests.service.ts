import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { FieldError } from '@alphintra/platform-http';
import { query } from '@alphintra/platform-database';
import { wireDecimal } from '../common/decimal';
import { InvalidBacktestError, BacktestNotFoundError } from './backtests.errors';
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

@Injectable()
export class BacktestsService {
  constructor(private readonly em: EntityManager) {}

  /** Queues a backtest of one of the caller's strategies; a worker (BacktestWorker) runs it. */
  async enqueue(userId: string, b: CreateBacktestBody) {
    const errors: FieldError[] = [];
    const [strategy] = await query<{ id: string }>(this.em, `select "id" from "strategy_data"."strategy" where "id" = $1 and "user_id" = $2`, [b.strategyId, userId]);
    if (!strategy) errors.push({ path: 'strategyId', message: 'is not one of your strategies' });
    const listed = await query<{ symbol: string }>(this.em, `select "symbol" from "strategy_data"."stock" where "symbol" = any($1::text[])`, [b.symbols]);
    const known = new Set(listed.map((r) => r.symbol));
    b.symbols.forEach((s, i) => {
      if (!known.has(s)) errors.push({ path: `symbols.${i}`, message: `is not an instrument strategy lists ("${s}")` });
    });
    if (errors.length) throw new InvalidBacktestError(errors);
    const id = randomUUID();
    await query(
      this.em,
      `insert into "strategy_data"."backtest" ("id", "user_id", "strategy_id", "symbols", "from_date", "to_date", "initial_capital", "commission_bps", "slippage_bps", "execution_id")
       values ($1, $2, $3, $4::text[], $5, $6, $7, $8, $9, $10)`,
      [id, userId, b.strategyId, b.symbols, b.from, b.to, b.initialCapital, b.commissionBps, b.slippageBps, b.executionId ?? null],
    );
    return { id, status: 'queued' as const };
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
