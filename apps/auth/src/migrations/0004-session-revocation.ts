import { Migration } from '@mikro-orm/migrations';

const s = '"auth_data"';

/**
 * Revoked sessions, served to every verifier so a logout or a role change ends access tokens
 * already issued; and the first `iat` a session's next tokens may carry.
 */
export class SessionRevocation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table ${s}."session_revocation" (
      "seq" bigserial primary key,
      "session_id" uuid not null,
      "reason" text not null check ("reason" in ('logout', 'reuse_detected', 'roles_changed')),
      "not_before" timestamptz not null,
      "expires_at" timestamptz not null
    )`);
    this.addSql(`create index "session_revocation_expiry_idx" on ${s}."session_revocation" ("expires_at")`);
    this.addSql(`alter table ${s}."refresh_token_family" add column "access_not_before" timestamptz`);
  }
}
