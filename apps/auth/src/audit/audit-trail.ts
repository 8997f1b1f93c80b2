import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';

export type AuditAction =
  | 'user.registered'
  | 'user.roles_changed'
  | 'login.succeeded'
  | 'login.failed'
  | 'login.throttled'
  | 'refresh.reuse_detected'
  | 'logout';

export interface AuditEntry {
  action: AuditAction;
  /** Who did it (the signed-in user or admin); null when nobody is signed in yet. */
  actorId?: string | null;
  /** Whose account it concerns. */
  subjectId?: string | null;
  ip?: string | null;
  /** Facts about the event: never a password, a token or a hash of either. */
  detail?: Record<string, unknown>;
}

/** The auth service's own append-only trail of who did what, when and from where. */
@Injectable()
export class AuditTrail {
  async record(em: EntityManager, e: AuditEntry): Promise<void> {
    await em.execute(
      `insert into "auth_data"."audit_log" ("action", "actor_id", "subject_id", "ip", "detail") values (?, ?, ?, ?, ?)`,
      [e.action, e.actorId ?? null, e.subjectId ?? null, e.ip ?? null, JSON.stringify(e.detail ?? {})],
      'run',
    );
  }
}
