import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { AuditTrail } from '../audit/audit-trail';
import { AUTH_ENV, type AuthServiceEnv } from '../env';
import { addressKey } from './address-key';
import { LoginThrottledError } from './sessions.errors';

const T = '"auth_data"."login_failure"';

/** The delay before an attempt on an account that has failed `failures` times: none up to the threshold, then 250 ms doubling to the cap. */
export function accountDelayMs(failures: number, threshold: number, maxMs: number): number {
  if (failures < threshold) return 0;
  return Math.min(maxMs, 250 * 2 ** Math.min(failures - threshold, 16));
}

/**
 * Failed logins within a sliding window, kept in the database so every replica sees them. No one
 * can lock another person out: the hard limits (429) are per account *and address* and per
 * address across accounts, where an address is an IPv4 address or an IPv6 /64; failures on an
 * account from anywhere only slow every attempt on it down (a doubling delay, capped), so its
 * owner still gets in from their own address. An attempt is recorded as a failure *before* its
 * password is checked (and the row removed if it succeeds), so parallel guesses count too; the
 * advisory locks make the counts exact. A successful login clears its account's failures but
 * not its address's.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditTrail,
    @Inject(AUTH_ENV) private readonly env: AuthServiceEnv,
  ) {}

  /** Refuses with LoginThrottledError once a limit is reached; otherwise waits the account's delay and returns the recorded attempt's id. */
  async admit(email: string, ip: string): Promise<string> {
    const window = this.env.AUTH_LOGIN_FAILURE_WINDOW_SECONDS;
    const address = addressKey(ip);
    const outcome = await this.em.transactional(async (em): Promise<{ retryAfter: number } | { attemptId: string; delayMs: number }> => {
      await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`alphintra:auth:login:${email}`]);
      await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`alphintra:auth:login-ip:${address}`]);
      await em.execute(`delete from ${T} where "failed_at" < now() - make_interval(secs => ?)`, [window], 'run');
      const retryAfter = await this.retryAfter(em, email, address);
      if (retryAfter > 0) {
        await this.audit.record(em, { action: 'login.throttled', ip, detail: { email, retryAfterSeconds: retryAfter } });
        return { retryAfter };
      }
      const [counted] = await em.execute<{ n: number }[]>(`select count(*)::int as "n" from ${T} where "email" = ? and not "account_cleared"`, [email]);
      const [row] = await em.execute<{ id: string }[]>(`insert into ${T} ("email", "ip") values (?, ?) returning "id"`, [email, address]);
      const delayMs = accountDelayMs(counted!.n, this.env.AUTH_LOGIN_DELAY_AFTER_ACCOUNT_FAILURES, this.env.AUTH_LOGIN_MAX_DELAY_MS);
      return { attemptId: String(row!.id), delayMs };
    });
    if ('retryAfter' in outcome) throw new LoginThrottledError(outcome.retryAfter);
    if (outcome.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, outcome.delayMs));
    return outcome.attemptId;
  }

  /** The attempt was refused before its password was checked (hashing busy): it counts as nothing. */
  async abandoned(attemptId: string): Promise<void> {
    await this.em.execute(`delete from ${T} where "id" = ?`, [attemptId], 'run');
  }

  /** The attempt succeeded: it was no failure, and the account starts afresh. */
  async succeeded(em: EntityManager, email: string, attemptId: string): Promise<void> {
    await em.execute(`delete from ${T} where "id" = ?`, [attemptId], 'run');
    await em.execute(`update ${T} set "account_cleared" = true where "email" = ? and not "account_cleared"`, [email], 'run');
  }

  /**
   * Seconds until the account from this address and the address itself are both under their
   * limits again: when the limit-th most recent failure leaves the window. 0 when neither is reached.
   */
  private async retryAfter(em: EntityManager, email: string, address: string): Promise<number> {
    const window = this.env.AUTH_LOGIN_FAILURE_WINDOW_SECONDS;
    const rows = await em.execute<{ seconds: number }[]>(
      `select greatest(1, ceil(extract(epoch from "failed_at" + make_interval(secs => ?) - now())))::int as "seconds" from (
         (select "failed_at" from ${T} where "email" = ? and "ip" = ? and not "account_cleared" and "failed_at" >= now() - make_interval(secs => ?)
          order by "failed_at" desc offset ? limit 1)
         union all
         (select "failed_at" from ${T} where "ip" = ? and "failed_at" >= now() - make_interval(secs => ?)
          order by "failed_at" desc offset ? limit 1)
       ) as "limiting"`,
      [window, email, address, window, this.env.AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS - 1, address, window, this.env.AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS - 1],
    );
    return Math.max(0, ...rows.map((r) => r.seconds));
  }
}
