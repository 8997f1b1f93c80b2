import { z } from 'zod';
import { TOKEN_ALGORITHMS } from './access-token.verifier';
import type { AuthOptions } from './access-token.verifier';
import { REVOKED_SESSIONS_PATH } from './session-revocations';

/** Variables a service that verifies access tokens reads; pass `authEnv.shape` to `loadServiceEnv`. */
export const authEnv = z.object({
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }),
  AUTH_ISSUER: z.string().min(1).default('alphintra-auth'),
  AUTH_AUDIENCE: z.string().min(1).default('alphintra'),
  AUTH_TOKEN_ALGORITHM: z.enum(TOKEN_ALGORITHMS).default('RS256'),
  AUTH_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** Defaults to `/internal/v1/revoked-sessions` on the JWKS URL's origin (the auth service). */
  AUTH_REVOCATIONS_URL: z.url({ protocol: /^https?$/ }).optional(),
  AUTH_REVOCATION_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
});

export type AuthEnv = z.infer<typeof authEnv>;

export const authOptionsFrom = (env: AuthEnv): AuthOptions => ({
  jwksUrl: env.AUTH_JWKS_URL,
  issuer: env.AUTH_ISSUER,
  audience: env.AUTH_AUDIENCE,
  algorithm: env.AUTH_TOKEN_ALGORITHM,
  clockSkewSeconds: env.AUTH_CLOCK_SKEW_SECONDS,
  revocationsUrl: env.AUTH_REVOCATIONS_URL ?? new URL(REVOKED_SESSIONS_PATH, env.AUTH_JWKS_URL).href,
  revocationPollMs: env.AUTH_REVOCATION_POLL_MS,
});
