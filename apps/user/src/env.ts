import { z } from 'zod';
import { authEnv } from '@alphintra/platform-auth';
import { loadServiceEnv, webhookPolicyEnv } from '@alphintra/platform-http';

/** Where strategy (owner of instruments and filters) answers, and how long to wait for it. */
export const strategyEnv = {
  STRATEGY_URL: z
    .url({ protocol: /^https?$/ })
    .default('http://127.0.0.1:3003')
    .transform((u) => u.replace(/\/+$/, '')),
  STRATEGY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Bearer token of the user service itself, for calls no end user makes (reconciliation). */
  STRATEGY_SERVICE_TOKEN: z.string().min(1).optional(),
};

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('user', 3002, { ...authEnv.shape, ...strategyEnv, ...webhookPolicyEnv }, source);
export type UserEnv = ReturnType<typeof loadEnv>;

/** The reconciliation command verifies no tokens, so it needs no AUTH_* variables. */
export const loadReconcileEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('user', 3002, strategyEnv, source);
export type ReconcileEnv = ReturnType<typeof loadReconcileEnv>;
