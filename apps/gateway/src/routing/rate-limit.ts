import { normalizeIP, type RateLimitPluginOptions } from '@fastify/rate-limit';
import type { GatewayEnv } from '../env';
import { clientAddress } from './client-address';
import { GatewayError } from './gateway.errors';

/** Per caller and minute: a verified user by id, anyone else by address; runs after `authenticate`. */
export function rateLimitOptions(o: GatewayEnv['rateLimit'], trustedProxyHops: number): RateLimitPluginOptions {
  return {
    hook: 'onRequest',
    timeWindow: 60_000,
    keyGenerator: (req) => (req.principal ? `user:${req.principal.userId}` : `ip:${normalizeIP(clientAddress(req, trustedProxyHops))}`),
    max: (req) => (req.principal ? o.perUserPerMinute : o.perAnonymousPerMinute),
    errorResponseBuilder: (_req, ctx) => new GatewayError(429, 'GATEWAY.RATE_LIMITED', `Too many requests; retry in ${ctx.after}.`),
  };
}
