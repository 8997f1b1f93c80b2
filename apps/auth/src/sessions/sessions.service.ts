import { Inject, Injectable } from '@nestjs/common';
import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import { UserAccount } from '../accounts/user-account.entity';
import { AuditTrail } from '../audit/audit-trail';
import { AUTH_ENV, type AuthServiceEnv } from '../env';
import { AccessTokenIssuer } from '../keys/access-token.issuer';
import { PasswordHashingBusyError } from '../passwords/password-hashing';
import { Credentials } from './credentials';
import type { LoginBody, TokenPair } from './dto/session.dto';
import { LoginThrottle } from './login-throttle';
import { hashRefreshToken } from './refresh-token';
import { RefreshToken, RefreshTokenFamily } from './refresh-token.entity';
import { RefreshTokens } from './refresh-tokens';
import { RevokedSessions } from './revoked-sessions';
import { InvalidCredentialsError, InvalidRefreshTokenError } from './sessions.errors';

const LOCKED = { lockMode: LockMode.PESSIMISTIC_WRITE } as const;

@Injectable()
export class SessionsService {
  constructor(
    private readonly em: EntityManager,
    private readonly throttle: LoginThrottle,
    private readonly credentials: Credentials,
    private readonly refreshTokens: RefreshTokens,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly audit: AuditTrail,
    private readonly revoked: RevokedSessions,
    @Inject(AUTH_ENV) private readonly env: AuthServiceEnv,
  ) {}

  async login({ email, password }: LoginBody, ip: string): Promise<TokenPair> {
    const attemptId = await this.throttle.admit(email, ip);
    const user = await this.em.findOne(UserAccount, { email });
    const valid = await this.credentials.verify(password, user?.passwordHash).catch(async (e: unknown) => {
      // no password was checked: the attempt recorded as a failure in advance was none
      if (e instanceof PasswordHashingBusyError) await this.throttle.abandoned(attemptId);
      throw e;
    });
    if (!user || !valid) {
      await this.audit.record(this.em, { action: 'login.failed', subjectId: user?.id, ip, detail: { email } });
      throw new InvalidCredentialsError();
    }
    return this.em.transactional(async (em) => {
      await this.throttle.succeeded(em, email, attemptId);
      const { family, refreshToken } = await this.refreshTokens.startFamily(em, user.id, new Date());
      await this.audit.record(em, { action: 'login.succeeded', actorId: user.id, subjectId: user.id, ip });
      return this.pair(user, refreshToken, family);
    });
  }

  /**
   * Exchanges a refresh token for a new pair (RFC 9700 §4.14.2). The token row and its family
   * are locked (SELECT ... FOR UPDATE), so of two concurrent exchanges exactly one succeeds.
   * A spent token presented again means it leaked: the whole family is revoked. Except within
   * AUTH_REFRESH_REUSE_GRACE_SECONDS of its exchange, when it is far more likely a client that
   * raced itself (two tabs, a retried request): that answer is 401 too, but the family, and the
   * token that won the race, stay valid.
   */
  async refresh(refreshToken: string, ip: string): Promise<TokenPair> {
    const pair = await this.em.transactional(async (em) => {
      const found = await this.lockedToken(em, refreshToken);
      if (!found || found.family.revokedAt) return undefined;
      const { token, family } = found;
      const now = new Date();
      if (token.spentAt) {
        const spentAgo = now.getTime() - token.spentAt.getTime();
        const revoke = spentAgo >= this.env.AUTH_REFRESH_REUSE_GRACE_SECONDS * 1000;
        if (revoke) {
          family.revokedAt = now;
          family.revokedReason = 'reuse_detected';
          await this.revoked.revoke(em, [family], 'reuse_detected', now);
        }
        await this.audit.record(em, { action: 'refresh.reuse_detected', subjectId: family.userId, ip, detail: { familyId: family.id, spentMsAgo: spentAgo, familyRevoked: revoke } });
        return undefined;
      }
      if (token.expiresAt <= now || this.refreshTokens.endOf(family) <= now) return undefined;
      token.spentAt = now;
      const user = await em.findOneOrFail(UserAccount, { id: family.userId });
      return this.pair(user, await this.refreshTokens.issue(em, family, now), family);
    });
    if (!pair) throw new InvalidRefreshTokenError();
    return pair;
  }

  /** Ends the login the token belongs to, its access tokens too; an unknown or already revoked token changes nothing. */
  async logout(refreshToken: string, ip: string): Promise<void> {
    await this.em.transactional(async (em) => {
      const found = await this.lockedToken(em, refreshToken);
      if (!found || found.family.revokedAt) return;
      const { family } = found;
      family.revokedAt = new Date();
      family.revokedReason = 'logout';
      await this.revoked.revoke(em, [family], 'logout', family.revokedAt);
      await this.audit.record(em, { action: 'logout', actorId: family.userId, subjectId: family.userId, ip, detail: { familyId: family.id } });
    });
  }

  private async lockedToken(em: EntityManager, refreshToken: string) {
    const token = await em.findOne(RefreshToken, { tokenHash: hashRefreshToken(refreshToken) }, LOCKED);
    if (!token) return undefined;
    return { token, family: await em.findOneOrFail(RefreshTokenFamily, { id: token.familyId }, LOCKED) };
  }

  private async pair(user: UserAccount, refreshToken: string, session: RefreshTokenFamily): Promise<TokenPair> {
    const { accessToken, expiresIn } = await this.accessTokens.issue(user, session);
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn };
  }
}
