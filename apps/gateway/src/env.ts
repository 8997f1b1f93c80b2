import { z } from 'zod';
import { authEnv, type AuthEnv } from '@alphintra/platform-auth';
import { httpTimeoutsEnv, httpTimeoutsFrom, type HttpTimeouts } from '@alphintra/platform-http';
import { loadEnv as parse, logLevel, port } from '@alphintra/platform-config';
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
  };
}
