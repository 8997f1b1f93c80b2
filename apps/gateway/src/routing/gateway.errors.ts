import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidTokenError, JwksUnavailableError } from '@alphintra/platform-auth';
import { problem, type ProblemDetails } from '@alphintra/platform-http';

/** A failure of the gateway itself, not of the service behind it; answered as problem+json. */
export class GatewayError extends Error {
  override name = 'GatewayError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'FST_REPLY_FROM_SERVICE_UNAVAILABLE']);
const TIMEOUTS = new Set(['FST_REPLY_FROM_GATEWAY_TIMEOUT', 'FST_REPLY_FROM_HTTP_REQUEST_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

/** What the proxy answers when the service could not be reached or failed mid-answer. */
export function upstreamFailure(service: string, error: Error): GatewayError {
  const codeOf = (e: unknown) => (e as { code?: string } | undefined)?.code;
  const codes = [codeOf(error), codeOf(error.cause)];
  if (codes.some((c) => c && CONNECT_FAILURES.has(c))) return new GatewayError(503, 'GATEWAY.SERVICE_UNAVAILABLE', `The ${service} service is unavailable.`);
  if (codes.some((c) => c && TIMEOUTS.has(c))) return new GatewayError(504, 'GATEWAY.SERVICE_TIMEOUT', `The ${service} service did not answer in time.`);
  return new GatewayError(502, 'GATEWAY.BAD_GATEWAY', `The ${service} service failed to answer.`);
}

function toProblem(e: unknown, instance: string): ProblemDetails {
  if (e instanceof GatewayError) return problem(e.status, e.message, { code: e.code, instance });
  if (e instanceof InvalidTokenError) return problem(401, e.message, { code: e.code, instance });
  if (e instanceof JwksUnavailableError) return problem(503, 'Access tokens cannot be verified right now.', { code: 'GATEWAY.AUTH_UNAVAILABLE', instance });
  const status = (e as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return problem(status, (e as Error).message, { code: (e as { code?: string }).code, instance });
  return problem(500, 'An unexpected error occurred.', { code: 'INTERNAL', instance });
}

/** Fastify error handler of the proxied routes: RFC 9457 bodies, `WWW-Authenticate` on 401 (RFC 6750). */
export function sendProblem(error: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body = toProblem(error, req.url.split('?')[0]!);
  if (body.status === 401) void reply.header('www-authenticate', /^Bearer /i.test(req.headers.authorization ?? '') ? 'Bearer error="invalid_token"' : 'Bearer');
  // Upstream failures are logged by the proxy with their cause; anything else is the gateway's own.
  if (body.status >= 500 && !(error instanceof GatewayError)) req.log.error({ err: error, reqId: req.id }, body.detail);
  return reply.status(body.status).type('application/problem+json').send(body);
}
