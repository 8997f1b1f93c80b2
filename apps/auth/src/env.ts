import { z } from 'zod';
import { ConfigError } from '@alphintra/platform-config';
import { authEnv } from '@alphintra/platform-auth';
import { loadServiceEnv } from '@alphintra/platform-http';

const seconds = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** `openssl rand -base64 32`: the key-encryption key that seals the signing keys' private halves. */
const keyEncryptionKey = z
  .string()
  .regex(/^[A-Za-z0-9+/]{43}=?$/, 'must be the base64 of exactly 32 bytes (openssl rand -base64 32)')
  .transform((v) => Buffer.from(v, 'base64'));

const own = {
  ...authEnv.shape,
  /** Defaults to this service's own JWKS endpoint (see loadEnv). */
  AUTH_JWKS_URL: authEnv.shape.AUTH_JWKS_URL.optional(),
  AUTH_KEY_ENCRYPTION_KEY: keyEncryptionKey,
  AUTH_ACCESS_TOKEN_TTL_SECONDS: seconds(900, 30, 86_400),
  AUTH_REFRESH_TOKEN_TTL_SECONDS: seconds(30 * 86_400, 60, 365 * 86_400),
  AUTH_REFRESH_REUSE_GRACE_SECONDS: seconds(2, 0, 60),
  /** A login ends this long after it began, however often its refresh token is rotated. */
  AUTH_SESSION_MAX_LIFETIME_SECONDS: seconds(30 * 86_400, 5, 365 * 86_400),
  AUTH_LOGIN_FAILURE_WINDOW_SECONDS: seconds(900, 1, 86_400),
  /** Failures on one account from one address (an IPv6 /64) before that address gets 429 for it. */
  AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS: z.coerce.number().int().min(1).default(5),
  /** Failures from one address across accounts before it gets 429. */
  AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
  /** Failures on one account, from anywhere, after which every login to it waits, doubling from 250 ms up to AUTH_LOGIN_MAX_DELAY_MS. */
  AUTH_LOGIN_DELAY_AFTER_ACCOUNT_FAILURES: z.coerce.number().int().min(1).default(5),
  AUTH_LOGIN_MAX_DELAY_MS: z.coerce.number().int().min(0).max(30_000).default(5_000),
  /**
   * scrypt hashes run at once (128 MiB each; the container's memory limit is sized for this many,
   * ADR 0034). 2: on the measured 2 cores, more adds memory and latency, not throughput.
   */
  AUTH_PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  /** Hashes that may wait for a slot; beyond them a login or registration gets 503 with Retry-After. */
  AUTH_PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(1000).default(8),
  AUTH_BOOTSTRAP_ADMIN_EMAIL: z.email().transform((e) => e.toLowerCase()).optional(),
  AUTH_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12).max(128).optional(),
};

export function loadEnv(source: NodeJS.ProcessEnv = process.env) {
  const env = loadServiceEnv('auth', 3001, own, source);
  if (!env.AUTH_BOOTSTRAP_ADMIN_EMAIL !== !env.AUTH_BOOTSTRAP_ADMIN_PASSWORD) {
    const missing = env.AUTH_BOOTSTRAP_ADMIN_EMAIL ? 'AUTH_BOOTSTRAP_ADMIN_PASSWORD' : 'AUTH_BOOTSTRAP_ADMIN_EMAIL';
    throw new ConfigError([{ variable: missing, message: 'is required when the other AUTH_BOOTSTRAP_ADMIN_* variable is set' }]);
  }
  return { ...env, AUTH_JWKS_URL: env.AUTH_JWKS_URL ?? `http://127.0.0.1:${env.PORT}/api/v1/auth/.well-known/jwks.json` };
}

export type AuthServiceEnv = ReturnType<typeof loadEnv>;

/** DI token of the loaded environment (the same object the platform was started with). */
export const AUTH_ENV = Symbol('AUTH_ENV');
