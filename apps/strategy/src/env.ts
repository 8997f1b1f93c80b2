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

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/** The market data feed (ADR 0024): its state at first start (an admin's PUT /api/v1/market/feed is kept over restarts). */
export const marketEnv = {
  MARKET_FEED: z.enum(['simulated', 'replay', 'off']).default('off'),
  MARKET_FEED_SEED: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(1),
  MARKET_FEED_SPEED: z.coerce.number().int().min(1).max(60).default(1),
  /** For replay at first start: the date (UTC) replay begins at. */
  MARKET_FEED_REPLAY_FROM: z.iso.date().optional(),
  /** Trade outside 09:30–16:00 New York on weekdays too, so a demo at night still moves. */
  MARKET_FEED_ALWAYS_OPEN: flag.default(false),
  /** Mean wall time between two ticks of one symbol (simulated feed). */
  MARKET_FEED_TICK_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  /** At most one marketdata.price.updated per symbol this often: trading and broker handle each one in a transaction. */
  MARKET_PRICE_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(1000),
  /** Months of 1-minute bars kept; older monthly partitions are dropped. */
  INTRADAY_BARS_RETENTION_MONTHS: z.coerce.number().int().min(1).max(240).default(24),
  /** The largest CSV `POST /market/imports` reads (16 MiB: about 300,000 1-minute bars); a larger one answers 413. */
  MARKET_IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).max(268_435_456).default(16_777_216),
};

/** `openssl rand -base64 32`: seals the alpaca feed's API key at rest (ADR 0030). */
const sealingKey = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=?$/, 'must be the base64 of exactly 32 bytes (openssl rand -base64 32)')
  .transform((v) => Buffer.from(v, 'base64'));

/** The alpaca feed (ADR 0030): where it connects and how it backs off. */
export const alpacaEnv = {
  MARKET_CREDENTIALS_KEY: sealingKey.optional(),
  MARKET_CREDENTIALS_KEY_ID: z.string().regex(/^[\w.-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_" or "-"').default('market-1'),
  /** The market data stream, without the feed (`/iex` or `/sip` is added). */
  MARKET_ALPACA_STREAM_URL: z.url({ protocol: /^wss?$/ }).default('wss://stream.data.alpaca.markets/v2').transform((u) => u.replace(/\/+$/, '')),
  MARKET_ALPACA_DATA_URL: z.url({ protocol: /^https?$/ }).default('https://data.alpaca.markets').transform((u) => u.replace(/\/+$/, '')),
  /** First wait before reconnecting; doubled per failed attempt up to the maximum, with jitter. */
  MARKET_ALPACA_BACKOFF_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  MARKET_ALPACA_BACKOFF_MAX_MS: z.coerce.number().int().min(10).max(600_000).default(30_000),
  /** At each connection, missing 1-minute bars of up to this many days back are fetched over REST. */
  MARKET_ALPACA_BACKFILL_DAYS: z.coerce.number().int().min(0).max(30).default(3),
  MARKET_ALPACA_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
};

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) =>
  loadServiceEnv('strategy', 3003, { ...authEnv.shape, ...backtestEnv, ...nocodeEnv, ...marketEnv, ...alpacaEnv }, source);
export type StrategyEnv = ReturnType<typeof loadEnv>;

/** Commands (seed-demo) verify no tokens, so they need no AUTH_* variables. */
export const loadCommandEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('strategy', 3003, {}, source);
