import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** One login's chain of refresh tokens; revoking it ends every token in it. */
export const RefreshTokenFamily = defineEntity({
  name: 'RefreshTokenFamily',
  tableName: 'refresh_token_family',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    createdAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    revokedReason: p.text().$type<'logout' | 'reuse_detected'>().nullable(),
    /** Access tokens of this login issued before it are revoked; the next ones carry it as their `iat` at least. */
    accessNotBefore: p.datetime().nullable(),
  },
});

/** A refresh token, known only by its SHA-256; spent once it has been exchanged. */
export const RefreshToken = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_token',
  properties: {
    id: p.uuid().primary(),
    familyId: p.uuid(),
    tokenHash: p.text(),
    issuedAt: p.datetime(),
    expiresAt: p.datetime(),
    spentAt: p.datetime().nullable(),
  },
});

export type RefreshTokenFamily = InferEntity<typeof RefreshTokenFamily>;
export type RefreshToken = InferEntity<typeof RefreshToken>;
