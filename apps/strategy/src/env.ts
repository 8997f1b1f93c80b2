import { authEnv } from '@alphintra/platform-auth';
import { loadServiceEnv } from '@alphintra/platform-http';

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('strategy', 3003, authEnv.shape, source);
export type StrategyEnv = ReturnType<typeof loadEnv>;

/** Commands (seed-demo) verify no tokens, so they need no AUTH_* variables. */
export const loadCommandEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('strategy', 3003, {}, source);
