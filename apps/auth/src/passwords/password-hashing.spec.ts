import { hashPassword } from './password-hash';
import { PasswordHashing, PasswordHashingBusyError } from './password-hashing';

describe('PasswordHashing: a bounded number of scrypt hashes at once', () => {
  it('runs at most AUTH_PASSWORD_HASH_CONCURRENCY, queues AUTH_PASSWORD_HASH_QUEUE more, and refuses the rest with a Retry-After', async () => {
    const hashing = new PasswordHashing({ AUTH_PASSWORD_HASH_CONCURRENCY: 2, AUTH_PASSWORD_HASH_QUEUE: 1 });
    const stored = await hashPassword('correct horse battery');
    const started = [0, 1, 2, 3].map(() => hashing.verify('correct horse battery', stored));
    // the first two run, the third waits, the fourth is refused at once
    expect(hashing.load).toEqual({ running: 2, waiting: 1 });
    const settled = await Promise.allSettled(started);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(settled.slice(0, 3).map((s) => (s as PromiseFulfilledResult<boolean>).value)).toEqual([true, true, true]);
    const refusal = (settled[3] as PromiseRejectedResult).reason as PasswordHashingBusyError;
    expect(refusal).toBeInstanceOf(PasswordHashingBusyError);
    expect(refusal).toMatchObject({ code: 'AUTH.PASSWORD_HASHING_BUSY', kind: 'unavailable' });
    expect(refusal.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // every slot is given back
    expect(hashing.load).toEqual({ running: 0, waiting: 0 });
    await expect(hashing.hash('another password 1')).resolves.toMatch(/^scrypt\$17\$/);
  });

  it('gives the slot of a failed hash back', async () => {
    const hashing = new PasswordHashing({ AUTH_PASSWORD_HASH_CONCURRENCY: 1, AUTH_PASSWORD_HASH_QUEUE: 0 });
    await expect(hashing.verify('x', 'scrypt$17$8$1$not-a-salt$')).resolves.toBe(false);
    expect(hashing.load).toEqual({ running: 0, waiting: 0 });
  });
});
