import type { IncomingHttpHeaders } from 'node:http';
import type { IncomingHttpHeaders as Http2IncomingHttpHeaders } from 'node:http2';
import type { FastifyRequest } from 'fastify';
import { REQUEST_ID_HEADER, tracingEnabled } from '@alphintra/platform-http';
import { clientAddress } from './client-address';

/** Headers only the gateway may set; whatever a client sends under this prefix is dropped. */
const RESERVED_PREFIX = 'x-alphintra-';
export const USER_ID_HEADER = 'x-alphintra-user-id';
export const ROLES_HEADER = 'x-alphintra-roles';
/** What a client could claim about the hops before the gateway; only a trusted proxy in front may set these. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-real-ip'];
/** A traced gateway sends its own (the proxy's client span adds it); the client's would be a second, invalid, traceparent. */
const TRACE_HEADERS = ['traceparent', 'tracestate'];

/**
 * The headers a proxied call carries upstream: the client's own (Authorization unchanged, the
 * service verifies it again), the request id, the verified caller's identity, and the caller's
 * address as the only X-Forwarded-For entry, so a service's `req.ip` cannot be spoofed.
 */
export function upstreamHeaders(trustedProxyHops: number) {
  return <H extends IncomingHttpHeaders | Http2IncomingHttpHeaders>(req: FastifyRequest, original: H): H => {
    const headers = original as IncomingHttpHeaders;
    for (const name of Object.keys(headers)) if (name.startsWith(RESERVED_PREFIX)) delete headers[name];
    if (trustedProxyHops === 0) for (const name of FORWARDING_HEADERS) delete headers[name];
    if (tracingEnabled()) for (const name of TRACE_HEADERS) delete headers[name];
    headers['x-forwarded-for'] = clientAddress(req, trustedProxyHops);
    headers[REQUEST_ID_HEADER] = req.id;
    if (req.principal) {
      headers[USER_ID_HEADER] = req.principal.userId;
      headers[ROLES_HEADER] = req.principal.roles.join(',');
    }
    return original;
  };
}
