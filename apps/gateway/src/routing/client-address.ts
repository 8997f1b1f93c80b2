import type { FastifyRequest } from 'fastify';

/**
 * The caller's address, `trustedHops` proxies away: with none, the socket peer (the gateway is
 * the edge and X-Forwarded-For is whatever the client wrote); otherwise the X-Forwarded-For entry
 * the outermost trusted proxy appended, counted from the right.
 */
export function clientAddress(req: FastifyRequest, trustedHops: number): string {
  const peer = req.raw.socket.remoteAddress ?? 'unknown';
  if (trustedHops === 0) return peer;
  const forwarded = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  return forwarded[forwarded.length - trustedHops] ?? forwarded[0] ?? peer;
}
