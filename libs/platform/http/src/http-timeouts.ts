import { z } from 'zod';

/** How long an HTTP server waits on a client; a client slower than these gets 408 and loses its connection. */
export interface HttpTimeouts {
  /** From connection (or the end of the previous request) to the last header line. */
  headersMs: number;
  /** From connection to the last byte of the body: bounds a client that trickles its body. */
  requestMs: number;
  /** A connection with no traffic either way for this long is closed (keep-alive, or a handler that hangs). */
  idleMs: number;
}

const ms = (fallback: number) => z.coerce.number().int().min(100).max(3_600_000).default(fallback);

/** The variables of every HTTP server (the eight services and the gateway). */
export const httpTimeoutsEnv = z.object({
  HTTP_HEADERS_TIMEOUT_MS: ms(10_000),
  HTTP_REQUEST_TIMEOUT_MS: ms(30_000),
  HTTP_IDLE_TIMEOUT_MS: ms(65_000),
});

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000, idleMs: 65_000 };

export const httpTimeoutsFrom = (e: z.infer<typeof httpTimeoutsEnv>): HttpTimeouts => ({
  // Node refuses a headers timeout longer than the request timeout; the request one bounds both.
  headersMs: Math.min(e.HTTP_HEADERS_TIMEOUT_MS, e.HTTP_REQUEST_TIMEOUT_MS),
  requestMs: e.HTTP_REQUEST_TIMEOUT_MS,
  idleMs: e.HTTP_IDLE_TIMEOUT_MS,
});

/**
 * Fastify's server options for the timeouts. Node checks them every `connectionsCheckingInterval`
 * (30 s by default, which would let a slow client hold on for half a minute past its timeout).
 */
export const serverTimeoutOptions = (t: HttpTimeouts) => ({
  connectionTimeout: t.idleMs,
  requestTimeout: t.requestMs,
  http: { headersTimeout: t.headersMs, requestTimeout: t.requestMs, connectionsCheckingInterval: Math.min(1000, t.headersMs) },
});
