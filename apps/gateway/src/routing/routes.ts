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
  quotes: 'strategy',
  nocode: 'nocode',
  orders: 'trading',
  executions: 'trading',
  portfolio: 'trading',
  account: 'trading',
  positions: 'trading',
  market: 'trading',
  risk: 'risk',
  compliance: 'risk',
  broker: 'broker',
  notifications: 'notification',
};

/**
 * Paths under an area that another service owns (the longer prefix wins): strategy runs the market
 * feed, trading the clock; trading keeps the order record, risk the compliance log.
 */
export const SUB_ROUTES: Record<string, Upstream> = {
  'market/feed': 'strategy',
  'market/imports': 'strategy',
  'compliance/orders': 'trading',
};

/** APIs every service serves for itself at `<prefix>/<service>` (the platform's admin API); also passed through unchanged. */
export const PER_SERVICE_PREFIXES = ['/api/v1/admin/dead-letters'];

/** Every path prefix the gateway proxies, and the service behind it. */
export function routePrefixes(): { prefix: string; service: Upstream }[] {
  const services = Object.keys(UPSTREAM_PORTS) as Upstream[];
  return [
    ...Object.entries(SUB_ROUTES).map(([path, service]) => ({ prefix: `/api/v1/${path}`, service })),
    ...Object.entries(ROUTES).map(([area, service]) => ({ prefix: `/api/v1/${area}`, service })),
    ...PER_SERVICE_PREFIXES.flatMap((p) => services.map((service) => ({ prefix: `${p}/${service}`, service }))),
  ];
}

/** The service that owns an `/api/v1/<area>/...` (or `<per-service prefix>/<service>/...`) path, if the gateway routes it. */
export function upstreamOf(path: string): Upstream | undefined {
  for (const p of PER_SERVICE_PREFIXES) {
    const own = path.startsWith(`${p}/`) ? /^[^/?#]+/.exec(path.slice(p.length + 1))?.[0] : undefined;
    if (own !== undefined) return Object.hasOwn(UPSTREAM_PORTS, own) ? (own as Upstream) : undefined;
  }
  for (const [sub, service] of Object.entries(SUB_ROUTES)) if (new RegExp(`^/api/v1/${sub}(?:[/?#]|$)`).test(path)) return service;
  const match = /^\/api\/v1\/([^/?#]+)/.exec(path);
  return match && Object.hasOwn(ROUTES, match[1]!) ? ROUTES[match[1]!] : undefined;
}
