import type { Principal } from '@alphintra/platform-auth';
import type { TokenVerifier } from './authenticate.hook';

export interface VerifiedTokensOptions {
  /** How long a verified token is taken on trust again without checking its signature; never past its `exp`. */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

const MAX_CACHED_TOKEN_LENGTH = 4096;

/** The `exp` of a token already verified, in ms. */
export const expiryMsOf = (token: string): number => {
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number };
  return claims.exp * 1000;
};

/**
 * Access tokens the gateway has verified, by their exact bytes, so a caller's next requests skip
 * the RSA signature check. Only successes are kept, each until its `exp` or `ttlMs` (shorter than
 * the JWKS cache, so a withdrawn key is not trusted longer than the key store already trusts it).
 */
export class VerifiedTokens implements TokenVerifier {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();
  private readonly now: () => number;

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly o: VerifiedTokensOptions = {},
  ) {
    this.now = o.now ?? Date.now;
  }

  async verify(token: string): Promise<Principal> {
    const hit = this.entries.get(token);
    if (hit && this.now() < hit.until) return hit.principal;
    if (hit) this.entries.delete(token);
    const principal = await this.verifier.verify(token);
    if (token.length <= MAX_CACHED_TOKEN_LENGTH) this.remember(token, principal);
    return principal;
  }

  private remember(token: string, principal: Principal): void {
    if (this.entries.size >= (this.o.maxEntries ?? 10_000)) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { principal, until: Math.min(expiryMsOf(token), this.now() + (this.o.ttlMs ?? 30_000)) });
  }
}
