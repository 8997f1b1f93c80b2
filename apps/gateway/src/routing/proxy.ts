import proxy from '@fastify/http-proxy';
import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { SessionRevocations } from '@alphintra/platform-auth';
import type { GatewayEnv } from '../env';
import { authenticate, type TokenVerifier } from './authenticate.hook';
import { BufferedBodies, bodyLimit } from './body-limit.hook';
import { sendProblem, upstreamFailure } from './gateway.errors';
import { upstreamHeaders } from './identity-headers';
import { rateLimitOptions } from './rate-limit';
import { routePrefixes } from './routes';
import { watchForwarding } from './trusted-proxies';

export interface ApiOptions {
  env: GatewayEnv;
  verifier: TokenVerifier;
  revocations: SessionRevocations;
  logger: Logger;
}

/** `/api/v1/<area>` (and the per-service admin prefixes): authenticate, rate-limit per caller, bound the body, then proxy to the owning service, path unchanged. */
async function api(instance: FastifyInstance, { env, verifier, revocations, logger }: ApiOptions): Promise<void> {
  instance.setErrorHandler(sendProblem);
  instance.addHook('onRequest', watchForwarding(env.trustedProxyHops, logger));
  instance.addHook('onRequest', authenticate(verifier, revocations));
  instance.addHook('preParsing', bodyLimit(env.bodyLimitBytes, new BufferedBodies(env.bufferedBodiesMaxBytes)));
  const headersFor = upstreamHeaders(env.trustedProxyHops);
  // Registered after `authenticate`: its per-route hook runs once the caller is known.
  await instance.register(rateLimit, rateLimitOptions(env.rateLimit, env.trustedProxyHops));
  for (const { prefix, service } of routePrefixes()) {
    await instance.register(proxy, {
      upstream: env.upstreams[service],
      prefix,
      rewritePrefix: prefix,
      http2: false,
      disableRequestLogging: true,
      // reply-from turns certificate checks off unless told otherwise; a service over https is verified.
      undici: { headersTimeout: env.upstreamTimeoutMs, connect: { rejectUnauthorized: true } },
      replyOptions: {
        rewriteRequestHeaders: (req, headers) => headersFor(req as FastifyRequest, headers),
        // Hop-by-hop (RFC 9110 §7.6.1): the service's keep-alive with the gateway is not the client's.
        rewriteHeaders: ({ connection: _c, 'keep-alive': _k, ...headers }) => headers,
        // A service's own 503 goes back to the caller as it is, not retried here.
        retryDelay: () => null,
        onError: (reply, { error }) => void reply.send(upstreamFailure(service, error)),
      },
    });
  }
}

export async function registerRoutes(app: NestFastifyApplication, o: ApiOptions): Promise<void> {
  await app.register(api as never, o);
}
