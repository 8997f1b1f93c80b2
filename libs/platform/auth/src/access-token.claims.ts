import { InvalidTokenError } from './auth.errors';
import { ROLES, type Principal, type Role } from './principal';

export interface ExpectedClaims {
  issuer: string;
  audience: string;
  nowSeconds: number;
}

const isRoles = (v: unknown): v is Role[] => Array.isArray(v) && v.every((r) => (ROLES as readonly unknown[]).includes(r));

function check(ok: boolean, reason: string): asserts ok {
  if (!ok) throw new InvalidTokenError(reason);
}

/** Checks a signed token's claims; `exp` is required here, unlike in most JWT libraries. */
export function principalFromClaims(c: Record<string, unknown>, expected: ExpectedClaims): Principal {
  const now = expected.nowSeconds;
  check(typeof c.exp === 'number', 'token has no expiry');
  check(now < c.exp, 'token has expired');
  check(c.nbf === undefined || (typeof c.nbf === 'number' && c.nbf <= now), 'token is not yet valid');
  check(c.iss === expected.issuer, 'token issuer is not accepted');
  check(c.aud === expected.audience || (Array.isArray(c.aud) && c.aud.includes(expected.audience)), 'token audience is not accepted');
  check(typeof c.sub === 'string' && c.sub.length > 0, 'token has no subject');
  check(isRoles(c.roles), `roles claim must be an array of ${ROLES.join('|')}`);
  const principal: Principal = { userId: c.sub, roles: [...new Set(c.roles)] };
  if (typeof c.jti === 'string') principal.tokenId = c.jti;
  return principal;
}
