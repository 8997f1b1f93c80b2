import type { FastifyRequest } from 'fastify';
import { clientAddress } from './client-address';

const req = (forwardedFor?: string) => ({ raw: { socket: { remoteAddress: '10.0.0.7' } }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} }) as unknown as FastifyRequest;

describe('clientAddress', () => {
  it('is the socket peer when no proxy in front is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress(req('203.0.113.9'), 0)).toBe('10.0.0.7');
  });

  it('is the entry the outermost trusted proxy appended', () => {
    // client-forged, real client (appended by the ingress), ingress-internal hop
    expect(clientAddress(req('1.2.3.4, 198.51.100.2'), 1)).toBe('198.51.100.2');
    expect(clientAddress(req('1.2.3.4, 198.51.100.2, 10.1.0.1'), 2)).toBe('198.51.100.2');
  });

  it('falls back to the socket peer when a trusted proxy sent no X-Forwarded-For', () => {
    expect(clientAddress(req(), 1)).toBe('10.0.0.7');
  });
});
