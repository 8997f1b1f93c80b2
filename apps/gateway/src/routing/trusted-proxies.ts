import { BlockList, isIPv6 } from 'node:net';
import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { Logger } from 'pino';

const PRIVATE = new BlockList();
for (const [net, bits] of [['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['127.0.0.0', 8], ['100.64.0.0', 10]] as const) PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['fc00::', 7], ['::1', 128]] as const) PRIVATE.addSubnet(net, bits, 'ipv6');

const isPrivate = (ip: string) => {
  const bare = ip.replace(/^::ffff:/, '');
  return PRIVATE.check(bare, isIPv6(bare) ? 'ipv6' : 'ipv4');
};

const HOW = 'GATEWAY_TRUSTED_PROXY_HOPS is the number of proxies in front of the gateway that append to X-Forwarded-For (an ingress: 1; a CDN in front of the ingress: 2; none: 0)';

/** At start-up: a gateway in Kubernetes that trusts no proxy is usually behind one it ignores. */
export function startupWarning(hops: number, source: NodeJS.ProcessEnv = process.env): string | undefined {
  if (hops === 0 && source.KUBERNETES_SERVICE_HOST) {
    return `GATEWAY_TRUSTED_PROXY_HOPS=0 in Kubernetes: the socket peer counts as the caller, so if an ingress or load balancer is in front every caller shares its address for rate limits and login throttling. ${HOW}.`;
  }
  return undefined;
}

/** Why a request's forwarding contradicts the configured hops, if it does. */
export function forwardingMismatch(hops: number, peer: string, forwardedFor: string | undefined): string | undefined {
  const entries = (forwardedFor ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  if (hops === 0 && entries.length > 0 && isPrivate(peer)) {
    return `a request came from ${peer}, a private address, with X-Forwarded-For, but GATEWAY_TRUSTED_PROXY_HOPS=0: if that is a proxy, every caller behind it shares its address for rate limits and login throttling. ${HOW}.`;
  }
  if (hops > 0 && entries.length < hops) {
    return `GATEWAY_TRUSTED_PROXY_HOPS=${hops}, but a request from ${peer} carried ${entries.length} X-Forwarded-For entries: fewer proxies are in front than configured, so callers can choose the address they are limited by. ${HOW}.`;
  }
  return undefined;
}

/** onRequest: warns once, on the first request whose forwarding contradicts the configuration. */
export function watchForwarding(hops: number, logger: Pick<Logger, 'warn'>): onRequestAsyncHookHandler {
  let warned = false;
  return async (req: FastifyRequest) => {
    if (warned) return;
    const mismatch = forwardingMismatch(hops, req.raw.socket.remoteAddress ?? '', req.headers['x-forwarded-for'] as string | undefined);
    if (!mismatch) return;
    warned = true;
    logger.warn({ trustedProxyHops: hops }, mismatch);
  };
}
