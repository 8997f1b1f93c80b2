import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { AuditTrail } from '../audit/audit-trail';
import { AUTH_ENV, type AuthServiceEnv } from '../env';
import { LoginThrottledError } from './sessions.errors';

const T = '"auth_data"."login_failure"';

/**
 * Failed logins per account and per client IP within a sliding window, kept in the database so
 * every replica sees them. An attempt is recorded as a failure *before* its password is checked
 * (and the row removed if it succeeds), so parallel guesses count too; the per-account and
 * per-IP advisory locks make the count exact. A successful login clears its account's failures
 * but not its IP's.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditTrail,
    @Inject(AUTH_ENV) private readonly env: AuthServiceEnv,
  ) {}

  /** Refuses with LoginThrottledError once a limit is reached; otherwise returns the recorded attempt's id. */
  async admit(email: string, ip: string): Promise<string> {
    const window = this.env.AUTH_LOGIN_FAILURE_WINDOW_SECONDS;
    const outcome = await this.em.transactional(async (em): Promise<{ retryAfter: number } | { attemptId: string }> => {
      await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`alphintra:auth:login:${email}`]);
      await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`alphintra:auth:login-ip:${ip}`]);
      await em.execute(`delete from ${T} where "failed_at" < now() - make_interval(secs => ?)`, [window], 'run');
      const retryAfter = await this.retryAfter(em, email, ip);
      if (retryAfter > 0) {
        await this.audit.record(em, { action: 'login.throttled', ip, detail: { email, retryAfterSeconds: retryAfter } });
        return { retryAfter };
      }
      const [row] = await em.execute<{ id: string }[]>(`insert into ${T} ("email", "ip") values (?, ?) returning "id"`, [email, ip]);
      return { attemptId: String(row!.id) };
    });
    if ('retryAfter' in outcome) throw new LoginThrottledError(outcome.retryAfter);
    return outcome.attemptId;
  }

  /** The attempt succeeded: it was no failure, and the account starts afresh. */
  async succeeded(em: EntityManager, email: string, attemptId: string): Promise<void> {
    await em.execute(`delete from ${T} where "id" = ?`, [attemptId], 'run');
    await em.execute(`update ${T} set "account_cleared" = true where "email" = ? and not "account_cleared"`, [email], 'run');
  }

  /**
   * Seconds until the account and the IP are both under their limits again: when the
   * limit-th most recent failure leaves the window. 0 when neither limit is reached.
   */
  private async retryAfter(em: EntityManager, email: string, ip: string): Promise<number> {
    const window = this.env.AUTH_LOGIN_FAILURE_WINDOW_SECONDS;
    const rows = await em.execute<{ seconds: number }[]>(
      `select greatest(1, ceil(extract(epoch from "failed_at" + make_interval(secs => ?) - now())))::int as "seconds" from (
         (select "failed_at" from ${T} where "email" = ? and not "account_cleared" and "failed_at" >= now() - make_interval(secs => ?)
          order by "failed_at" desc offset ? limit 1)
         union all
         (select "failed_at" from ${T} where "ip" = ? and "failed_at" >= now() - make_interval(secs => ?)
          order by "failed_at" desc offset ? limit 1)
       ) as "limiting"`,
      [window, email, window, this.env.AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT - 1, ip, window, this.env.AUTH_LOGIN_MAX_FAILURES_PER_IP - 1],
    );
    return Math.max(0, ...rows.map((r) => r.seconds));
  }
}
