import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { RevokedSessionsPage } from '@alphintra/platform-auth';
import { AUTH_ENV, type AuthServiceEnv } from '../env';
import { RefreshTokenFamily } from './refresh-token.entity';

export type RevocationReason = 'logout' | 'reuse_detected' | 'roles_changed';

const T = '"auth_data"."session_revocation"';
const PAGE = 1000;

/**
 * Revocations of sessions' access tokens, written in the transaction that causes them and read by
 * every verifier (gateway and services) through the revoked-sessions feed. Tokens issued before
 * the next whole second are revoked; a row is kept until every such token has expired.
 */
@Injectable()
export class RevokedSessions {
  constructor(
    private readonly em: EntityManager,
    @Inject(AUTH_ENV) private readonly env: AuthServiceEnv,
  ) {}

  async revoke(em: EntityManager, families: RefreshTokenFamily[], reason: RevocationReason, now: Date): Promise<void> {
    if (!families.length) return;
    const notBefore = new Date((Math.floor(now.getTime() / 1000) + 1) * 1000);
    const expiresAt = new Date(notBefore.getTime() + (this.env.AUTH_ACCESS_TOKEN_TTL_SECONDS + this.env.AUTH_CLOCK_SKEW_SECONDS) * 1000);
    for (const f of families) f.accessNotBefore = notBefore;
    await em.flush();
    await em.execute(
      `insert into ${T} ("session_id", "reason", "not_before", "expires_at") values ${families.map(() => '(?, ?, ?, ?)').join(', ')}`,
      families.flatMap((f) => [f.id, reason, notBefore, expiresAt]),
      'run',
    );
    // Rows whose tokens have all expired serve no one; the feed skips them already.
    await em.execute(`delete from ${T} where "expires_at" < now()`, [], 'run');
  }

  /** Revocations after the cursor that still matter, oldest first. */
  async page(after: string): Promise<RevokedSessionsPage> {
    const rows = await this.em.execute<{ seq: string; session_id: string; not_before: number; expires_at: number }[]>(
      `select "seq"::text as "seq", "session_id", extract(epoch from "not_before")::bigint as "not_before", extract(epoch from "expires_at")::bigint as "expires_at"
       from ${T} where "seq" > ? and "expires_at" > now() order by "seq" limit ${PAGE}`,
      [after],
    );
    return {
      items: rows.map((r) => ({ sessionId: r.session_id, notBefore: Number(r.not_before), expiresAt: Number(r.expires_at) })),
      cursor: rows.at(-1)?.seq ?? after,
    };
  }
}
