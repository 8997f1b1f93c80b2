import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AUTH_ENV, type AuthServiceEnv } from '../env';
import { hashRefreshToken, newRefreshToken } from './refresh-token';
import { RefreshToken, RefreshTokenFamily } from './refresh-token.entity';

/** Issues refresh tokens into families: one family per login, one new token per rotation. */
@Injectable()
export class RefreshTokens {
  constructor(@Inject(AUTH_ENV) private readonly env: AuthServiceEnv) {}

  async startFamily(em: EntityManager, userId: string, now: Date): Promise<{ family: RefreshTokenFamily; refreshToken: string }> {
    const family = em.create(RefreshTokenFamily, { id: randomUUID(), userId, createdAt: now, revokedAt: null, revokedReason: null, accessNotBefore: null });
    await em.flush();
    return { family, refreshToken: await this.issue(em, family, now) };
  }

  /** When the login ends, however often it is refreshed (AUTH_SESSION_MAX_LIFETIME_SECONDS). */
  endOf(family: RefreshTokenFamily): Date {
    return new Date(family.createdAt.getTime() + this.env.AUTH_SESSION_MAX_LIFETIME_SECONDS * 1000);
  }

  async issue(em: EntityManager, family: RefreshTokenFamily, now: Date): Promise<string> {
    const token = newRefreshToken();
    const expiresAt = new Date(Math.min(now.getTime() + this.env.AUTH_REFRESH_TOKEN_TTL_SECONDS * 1000, this.endOf(family).getTime()));
    em.create(RefreshToken, { id: randomUUID(), familyId: family.id, tokenHash: hashRefreshToken(token), issuedAt: now, expiresAt, spentAt: null });
    await em.flush();
    return token;
  }
}
