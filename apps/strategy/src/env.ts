import { z } from 'zod';
import { authEnv } from '@alphintra/platform-auth';
import { loadServiceEnv } from '@alphintra/platform-http';
import { LEASE_SECONDS } from './backtests/backtest.limits';

/** How backtests run: each in a worker thread of its own, within a time budget, a few per user at once. */
export const backtestEnv = {
  /** Past this a backtest's thread is terminated and the backtest fails; below the job lease, so a live job is never claimed twice. */
  BACKTEST_TIME_BUDGET_MS: z.coerce.number().int().min(100).max((LEASE_SECONDS - 30) * 1000).default(60_000),
  /** Backtest threads this process runs at once. */
  BACKTEST_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(1),
  /** Heap of one backtest thread. */
  BACKTEST_MAX_MEMORY_MB: z.coerce.number().int().min(64).max(8192).default(512),
  /** Queued plus running backtests one user may have; one more answers 429 BACKTEST.TOO_MANY_ACTIVE. */
  BACKTEST_MAX_ACTIVE_PER_USER: z.coerce.number().int().min(1).max(1000).default(3),
};

/** Where nocode (owner of workflow executions a backtest may name) answers. */
export const nocodeEnv = {
  NOCODE_URL: z
    .url({ protocol: /^https?$/ })
    .default('http://127.0.0.1:3007')
    .transform((u) => u.replace(/\/+$/, '')),
  NOCODE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
};

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('strategy', 3003, { ...authEnv.shape, ...backtestEnv, ...nocodeEnv }, source);
export type StrategyEnv = ReturnType<typeof loadEnv>;

/** Commands (seed-demo) verify no tokens, so they need no AUTH_* variables. */
export const loadCommandEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('strategy', 3003, {}, source);
