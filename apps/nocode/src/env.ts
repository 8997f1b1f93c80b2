import { z } from 'zod';
import { authEnv } from '@alphintra/platform-auth';
import { loadServiceEnv } from '@alphintra/platform-http';

/** Where strategy (which registers strategies and runs backtests) answers, and how long to wait for it. */
export const strategyEnv = {
  STRATEGY_URL: z
    .url({ protocol: /^https?$/ })
    .default('http://127.0.0.1:3003')
    .transform((u) => u.replace(/\/+$/, '')),
  STRATEGY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
};

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('nocode', 3007, { ...authEnv.shape, ...strategyEnv }, source);
export type NocodeEnv = ReturnType<typeof loadEnv>;
