import type { KeyObject } from 'node:crypto';
import jwt, { type JwtPayload } from 'jsonwebtoken';
import { principalFromClaims } from './access-token.claims';
import { InvalidTokenError } from './auth.errors';
import { JwksKeyStore } from './jwks-key-store';
import type { Principal } from './principal';

/** jsonwebtoken 9 signs and verifies RS256 but not EdDSA, so RS256 is the one algorithm. */
export const TOKEN_ALGORITHMS = ['RS256'] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

export interface AuthOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  algorithm?: TokenAlgorithm;
  /** Tolerated clock difference with the issuer for `exp` and `nbf` (default 30 s). */
  clockSkewSeconds?: number;
  /** Auth's feed of revoked sessions, polled every `revocationPollMs`. */
  revocationsUrl?: string;
  revocationPollMs?: number;
}

export interface SigningKeys {
  keyFor(kid: string): Promise<KeyObject | undefined>;
}

const REASONS: Record<string, string> = {
  TokenExpiredError: 'token has expired',
  NotBeforeError: 'token is not yet valid',
};

/** Verifies an access token issued by the auth service against its JWKS (jsonwebtoken, algorithm pinned). */
export class AccessTokenVerifier {
  private readonly algorithm: TokenAlgorithm;

  constructor(
    private readonly options: AuthOptions,
    private readonly keys: SigningKeys = new JwksKeyStore({ url: options.jwksUrl }),
    private readonly now: () => number = Date.now,
  ) {
    this.algorithm = options.algorithm ?? 'RS256';
  }

  private get leeway(): number {
    return this.options.clockSkewSeconds ?? 30;
  }

  async verify(token: string): Promise<Principal> {
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded.payload !== 'object') throw new InvalidTokenError('token is malformed');
    const { alg, kid, crit } = decoded.header as { alg?: string; kid?: string; crit?: unknown };
    // Checked before the key lookup, so forged tokens never trigger a JWKS refresh.
    if (alg !== this.algorithm) throw new InvalidTokenError(`algorithm ${String(alg)} is not accepted`);
    if (crit !== undefined) throw new InvalidTokenError('critical header extensions are not supported');
    if (typeof kid !== 'string' || kid.length === 0) throw new InvalidTokenError('token has no key id');
    const key = await this.keys.keyFor(kid);
    if (!key) throw new InvalidTokenError('token signing key is unknown');
    const nowSeconds = Math.floor(this.now() / 1000);
    let claims: JwtPayload;
    try {
      claims = jwt.verify(token, key, { algorithms: [this.algorithm], clockTimestamp: nowSeconds, clockTolerance: this.leeway }) as JwtPayload;
    } catch (e) {
      throw new InvalidTokenError(REASONS[(e as Error).name] ?? 'token signature is invalid');
    }
    return principalFromClaims(claims, { issuer: this.options.issuer, audience: this.options.audience, nowSeconds, leewaySeconds: this.leeway });
  }
}
