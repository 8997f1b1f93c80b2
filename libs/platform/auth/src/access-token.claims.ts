import { InvalidTokenError } from './auth.errors';
import { ROLES, type Principal, type Role } from './principal';

export interface ExpectedClaims {
  issuer: string;
  audience: string;
  nowSeconds: number;
  /** Tolerated difference between the issuer's clock and ours, in seconds. */
  leewaySeconds?: number;
}

const isRoles = (v: unknown): v is Role[] => Array.isArray(v) && v.every((r) => (ROLES as readonly unknown[]).includes(r));

function check(ok: boolean, reason: string): asserts ok {
  if (!ok) throw new InvalidTokenError(reason);
}

/** Checks a signed token's claims; `exp` is required here, unlike in most JWT libraries. */
export function principalFromClaims(c: Record<string, unknown>, expected: ExpectedClaims): Principal {
  const now = expected.nowSeconds;
  const leeway = expected.leewaySeconds ?? 0;
  check(typeof c.exp === 'number', 'token has no expiry');
  check(now < c.exp + leeway, 'token has expired');
  check(c.nbf === undefined || (typeof c.nbf === 'number' && c.nbf <= now + leeway), 'token is not yet valid');
  check(c.iss === expected.issuer, 'token issuer is not accepted');
  check(c.aud === expected.audience || (Array.isArray(c.aud) && c.aud.includes(expected.audience)), 'token audience is not accepted');
  check(typeof c.sub === 'string' && c.sub.length > 0, 'token has no subject');
  check(isRoles(c.roles), `roles claim must be an array of ${ROLES.join('|')}`);
  const principal: Principal = { userId: c.sub, roles: [...new Set(c.roles)] };
  if (typeof c.jti === 'string') principal.tokenId = c.jti;
  if (typeof c.sid === 'string') principal.sessionId = c.sid;
  if (typeof c.iat === 'number') principal.issuedAt = c.iat;
  return principal;
}
