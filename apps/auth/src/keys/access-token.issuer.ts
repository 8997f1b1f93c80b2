import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import type { Role } from '@alphintra/contracts';
import { AUTH_ENV, type AuthServiceEnv } from '../env';
import { SigningKeyRing } from './signing-key-ring';

export interface IssuedAccessToken {
  accessToken: string;
  expiresIn: number;
}

/** Signs short-lived RS256 access tokens with the active key; its kid goes in the header. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeyRing,
    @Inject(AUTH_ENV) private readonly env: AuthServiceEnv,
  ) {}

  /**
   * `sid` names the login (refresh-token family); `iat` is never before the session's
   * `accessNotBefore`, so a token issued in the second its session's older tokens were revoked
   * in is not revoked with them.
   */
  async issue(user: { id: string; roles: Role[] }, session: { id: string; accessNotBefore?: Date | null }): Promise<IssuedAccessToken> {
    const { kid, privateKey } = await this.keys.active();
    const expiresIn = this.env.AUTH_ACCESS_TOKEN_TTL_SECONDS;
    const iat = Math.max(Math.floor(Date.now() / 1000), Math.ceil((session.accessNotBefore?.getTime() ?? 0) / 1000));
    const accessToken = jwt.sign({ roles: user.roles, sid: session.id, iat }, privateKey, {
      algorithm: 'RS256',
      keyid: kid,
      issuer: this.env.AUTH_ISSUER,
      audience: this.env.AUTH_AUDIENCE,
      subject: user.id,
      expiresIn,
      jwtid: randomUUID(),
    });
    return { accessToken, expiresIn };
  }
}
