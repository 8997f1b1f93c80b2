import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { InvalidTokenError, type AccessTokenVerifier, type SessionRevocations } from '@alphintra/platform-auth';

export type TokenVerifier = Pick<AccessTokenVerifier, 'verify'>;

/** The only calls that reach a service without an access token: method and exact path, no variants. */
const PUBLIC_ROUTES = new Set([
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'GET /api/v1/auth/.well-known/jwks.json',
  'HEAD /api/v1/auth/.well-known/jwks.json',
]);

export const isPublicRoute = (method: string, path: string): boolean => PUBLIC_ROUTES.has(`${method.toUpperCase()} ${path}`);

const pathOf = (url: string): string => {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
};

function bearerToken(req: FastifyRequest): string {
  const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  if (!match) throw new InvalidTokenError('an Authorization: Bearer access token is required');
  return match[1]!;
}

/** onRequest: a proxied call needs a valid access token of a session not revoked, unless its route is public; the principal goes on the request. */
export function authenticate(verifier: TokenVerifier, revocations: Pick<SessionRevocations, 'assertActive'>): onRequestAsyncHookHandler {
  return async (req) => {
    if (isPublicRoute(req.method, pathOf(req.url))) return;
    const principal = await verifier.verify(bearerToken(req));
    revocations.assertActive(principal);
    req.principal = principal;
  };
}
