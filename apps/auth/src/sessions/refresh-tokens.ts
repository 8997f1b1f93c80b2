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

  async startFamily(em: EntityManager, userId: string, now: Date): Promise<string> {
    const family = em.create(RefreshTokenFamily, { id: randomUUID(), userId, createdAt: now, revokedAt: null, revokedReason: null });
    await em.flush();
    return this.issue(em, family.id, now);
  }

  async issue(em: EntityManager, familyId: string, now: Date): Promise<string> {
    const token = newRefreshToken();
    const expiresAt = new Date(now.getTime() + this.env.AUTH_REFRESH_TOKEN_TTL_SECONDS * 1000);
    em.create(RefreshToken, { id: randomUUID(), familyId, tokenHash: hashRefreshToken(token), issuedAt: now, expiresAt, spentAt: null });
    await em.flush();
    return token;
  }
}
