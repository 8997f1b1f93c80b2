import { z } from 'zod';
import { TOKEN_ALGORITHMS } from './access-token.verifier';
import type { AuthOptions } from './access-token.verifier';

/** Variables a service that verifies access tokens reads; pass `authEnv.shape` to `loadServiceEnv`. */
export const authEnv = z.object({
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }),
  AUTH_ISSUER: z.string().min(1).default('alphintra-auth'),
  AUTH_AUDIENCE: z.string().min(1).default('alphintra'),
  AUTH_TOKEN_ALGORITHM: z.enum(TOKEN_ALGORITHMS).default('RS256'),
});

export type AuthEnv = z.infer<typeof authEnv>;

export const authOptionsFrom = (env: AuthEnv): AuthOptions => ({
  jwksUrl: env.AUTH_JWKS_URL,
  issuer: env.AUTH_ISSUER,
  audience: env.AUTH_AUDIENCE,
  algorithm: env.AUTH_TOKEN_ALGORITHM,
});
