import { z } from 'zod';
import { authEnv, type AuthEnv } from '@alphintra/platform-auth';
import { httpTimeoutsEnv, httpTimeoutsFrom, type HttpTimeouts } from '@alphintra/platform-http';
import { kafkaBrokers, loadEnv as parse, logLevel, port } from '@alphintra/platform-config';
import { UPSTREAM_PORTS, type Upstream } from './routing/routes';

const upstreamVars = Object.fromEntries(
  Object.entries(UPSTREAM_PORTS).map(([s, p]) => [`GATEWAY_UPSTREAM_${s.toUpperCase()}`, z.url().default(`http://127.0.0.1:${p}`)]),
) as Record<string, z.ZodDefault<z.ZodURL>>;

const count = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);

/** `https://app.example.com,http://localhost:5173` → exact origins; anything that is not an origin is rejected. */
const origins = z
  .string()
  .default('')
  .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
  .pipe(z.array(z.url({ protocol: /^https?$/ }).refine((o) => URL.canParse(o) && new URL(o).origin === o, 'expected an origin like https://app.example.com')));

const schema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: port(8080),
  LOG_LEVEL: logLevel,
  ...upstreamVars,
  ...authEnv.shape,
  AUTH_JWKS_URL: authEnv.shape.AUTH_JWKS_URL.default(`http://127.0.0.1:${UPSTREAM_PORTS.auth}/api/v1/auth/.well-known/jwks.json`),
  GATEWAY_RATE_LIMIT_PER_MINUTE: count(1, 600),
  GATEWAY_ANONYMOUS_RATE_LIMIT_PER_MINUTE: count(1, 120),
  GATEWAY_BODY_LIMIT_BYTES: count(1, 1_048_576),
  GATEWAY_BUFFERED_BODIES_MAX_BYTES: count(1, 64 * 1_048_576),
  ...httpTimeoutsEnv.shape,
  GATEWAY_CORS_ORIGINS: origins,
  GATEWAY_UPSTREAM_TIMEOUT_MS: count(1, 30_000),
  GATEWAY_TRUSTED_PROXY_HOPS: count(0, 0),
  // The stream (ADR 0027) reads Kafka; without brokers the gateway serves HTTP only.
  KAFKA_BROKERS: kafkaBrokers.optional(),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  GATEWAY_STREAM_MAX_CONNECTIONS: count(1, 10_000),
  GATEWAY_STREAM_MAX_CONNECTIONS_PER_USER: count(1, 5),
  GATEWAY_STREAM_MAX_SYMBOLS_PER_USER: count(1, 200),
  GATEWAY_STREAM_AUTH_TIMEOUT_MS: count(100, 5_000),
  GATEWAY_STREAM_HEARTBEAT_MS: count(100, 30_000),
  GATEWAY_STREAM_MAX_BUFFERED_BYTES: count(1_024, 1_048_576),
  GATEWAY_STREAM_RESUME_PER_USER: count(1, 200),
  GATEWAY_STREAM_RESUME_TOTAL: count(1, 100_000),
});

export interface GatewayEnv {
  HOST: string;
  PORT: number;
  LOG_LEVEL: string;
  upstreams: Record<Upstream, string>;
  auth: AuthEnv;
  rateLimit: { perUserPerMinute: number; perAnonymousPerMinute: number };
  /** Proxies in front of the gateway whose X-Forwarded-For entries are believed; 0 when the gateway is the edge. */
  trustedProxyHops: number;
  bodyLimitBytes: number;
  /** Bytes of chunked request bodies held in memory at once, across requests; past it a new one gets 503. */
  bufferedBodiesMaxBytes: number;
  timeouts: HttpTimeouts;
  corsOrigins: string[];
  /** A service that has not started answering by then is reported as a 504. */
  upstreamTimeoutMs: number;
  stream: StreamEnv;
}

export interface StreamEnv {
  /** Unset: `/api/v1/stream` is not served. */
  kafkaBrokers?: string[];
  topicPrefix: string;
  maxConnections: number;
  maxConnectionsPerUser: number;
  maxSymbolsPerUser: number;
  authTimeoutMs: number;
  heartbeatMs: number;
  /** Bytes waiting for one client beyond which it is dropped as a slow consumer. */
  maxBufferedBytes: number;
  /** Order updates held per user for a resume, and over all users (each about 0.5 KB). */
  resumePerUser: number;
  resumeTotal: number;
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): GatewayEnv {
  const e = parse(schema, source);
  const upstreams = Object.fromEntries(Object.keys(UPSTREAM_PORTS).map((s) => [s, String((e as Record<string, unknown>)[`GATEWAY_UPSTREAM_${s.toUpperCase()}`])])) as Record<Upstream, string>;
  return {
    HOST: e.HOST,
    PORT: e.PORT,
    LOG_LEVEL: e.LOG_LEVEL,
    upstreams,
    auth: {
      AUTH_JWKS_URL: e.AUTH_JWKS_URL,
      AUTH_ISSUER: e.AUTH_ISSUER,
      AUTH_AUDIENCE: e.AUTH_AUDIENCE,
      AUTH_TOKEN_ALGORITHM: e.AUTH_TOKEN_ALGORITHM,
      AUTH_CLOCK_SKEW_SECONDS: e.AUTH_CLOCK_SKEW_SECONDS,
      AUTH_REVOCATIONS_URL: e.AUTH_REVOCATIONS_URL,
      AUTH_REVOCATION_POLL_MS: e.AUTH_REVOCATION_POLL_MS,
    },
    rateLimit: {
      perUserPerMinute: e.GATEWAY_RATE_LIMIT_PER_MINUTE,
      perAnonymousPerMinute: e.GATEWAY_ANONYMOUS_RATE_LIMIT_PER_MINUTE,
    },
    trustedProxyHops: e.GATEWAY_TRUSTED_PROXY_HOPS,
    bodyLimitBytes: e.GATEWAY_BODY_LIMIT_BYTES,
    bufferedBodiesMaxBytes: e.GATEWAY_BUFFERED_BODIES_MAX_BYTES,
    timeouts: httpTimeoutsFrom(e),
    corsOrigins: e.GATEWAY_CORS_ORIGINS,
    upstreamTimeoutMs: e.GATEWAY_UPSTREAM_TIMEOUT_MS,
    stream: {
      kafkaBrokers: e.KAFKA_BROKERS,
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      maxConnections: e.GATEWAY_STREAM_MAX_CONNECTIONS,
      maxConnectionsPerUser: e.GATEWAY_STREAM_MAX_CONNECTIONS_PER_USER,
      maxSymbolsPerUser: e.GATEWAY_STREAM_MAX_SYMBOLS_PER_USER,
      authTimeoutMs: e.GATEWAY_STREAM_AUTH_TIMEOUT_MS,
      heartbeatMs: e.GATEWAY_STREAM_HEARTBEAT_MS,
      maxBufferedBytes: e.GATEWAY_STREAM_MAX_BUFFERED_BYTES,
      resumePerUser: e.GATEWAY_STREAM_RESUME_PER_USER,
      resumeTotal: Math.max(e.GATEWAY_STREAM_RESUME_TOTAL, e.GATEWAY_STREAM_RESUME_PER_USER),
    },
  };
}
