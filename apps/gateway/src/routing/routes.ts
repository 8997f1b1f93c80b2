/** The services behind the gateway and their default local ports. */
export const UPSTREAM_PORTS = {
  auth: 3001,
  user: 3002,
  strategy: 3003,
  trading: 3004,
  risk: 3005,
  broker: 3006,
  nocode: 3007,
  notification: 3008,
} as const;

export type Upstream = keyof typeof UPSTREAM_PORTS;

/** `/api/v1/<area>` → owning service (API.md). Paths are passed through unchanged. */
export const ROUTES: Record<string, Upstream> = {
  auth: 'auth',
  users: 'user',
  instruments: 'strategy',
  blacklist: 'strategy',
  filters: 'strategy',
  screeners: 'strategy',
  screens: 'strategy',
  strategies: 'strategy',
  backtests: 'strategy',
  nocode: 'nocode',
  orders: 'trading',
  executions: 'trading',
  portfolio: 'trading',
  risk: 'risk',
  compliance: 'risk',
  broker: 'broker',
  notifications: 'notification',
};

/** The service that owns an `/api/v1/<area>/...` path, if the gateway routes it. */
export function upstreamOf(path: string): Upstream | undefined {
  const match = /^\/api\/v1\/([^/?#]+)/.exec(path);
  return match && Object.hasOwn(ROUTES, match[1]!) ? ROUTES[match[1]!] : undefined;
}
