import { z } from 'zod';
import { loadEnv as parse, logLevel, port } from '@alphintra/platform-config';
import { UPSTREAM_PORTS, type Upstream } from './routing/routes';

const upstreamVars = Object.fromEntries(
  Object.entries(UPSTREAM_PORTS).map(([s, p]) => [`GATEWAY_UPSTREAM_${s.toUpperCase()}`, z.url().default(`http://127.0.0.1:${p}`)]),
) as Record<string, z.ZodDefault<z.ZodURL>>;

const schema = z.object({ HOST: z.string().default('127.0.0.1'), PORT: port(8080), LOG_LEVEL: logLevel, ...upstreamVars });

export type GatewayEnv = { HOST: string; PORT: number; LOG_LEVEL: string; upstreams: Record<Upstream, string> };

export function loadEnv(source: NodeJS.ProcessEnv = process.env): GatewayEnv {
  const e = parse(schema, source) as Record<string, string | number>;
  const upstreams = Object.fromEntries(Object.keys(UPSTREAM_PORTS).map((s) => [s, String(e[`GATEWAY_UPSTREAM_${s.toUpperCase()}`])])) as Record<Upstream, string>;
  return { HOST: String(e.HOST), PORT: Number(e.PORT), LOG_LEVEL: String(e.LOG_LEVEL), upstreams };
}
