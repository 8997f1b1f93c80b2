import { z } from 'zod';

export const tokenPairResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds until the access token expires'),
});

export const jwksResponse = z.object({
  keys: z.array(z.object({ kty: z.literal('RSA'), n: z.string(), e: z.string(), kid: z.string(), use: z.literal('sig'), alg: z.literal('RS256') })),
});
