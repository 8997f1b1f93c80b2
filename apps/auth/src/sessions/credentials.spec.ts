import { hashPassword } from '../passwords/password-hash';
import { PasswordHashing } from '../passwords/password-hashing';
import { Credentials } from './credentials';

describe('Credentials', () => {
  const credentials = new Credentials(new PasswordHashing({ AUTH_PASSWORD_HASH_CONCURRENCY: 2, AUTH_PASSWORD_HASH_QUEUE: 8 }));
  beforeAll(() => credentials.onModuleInit());

  it('accepts the password of an account and refuses another', async () => {
    const stored = await hashPassword('the right password');
    await expect(credentials.verify('the right password', stored)).resolves.toBe(true);
    await expect(credentials.verify('the wrong password', stored)).resolves.toBe(false);
  });

  it('refuses any password when there is no account, after checking it against the dummy hash', async () => {
    await expect(credentials.verify('the right password', undefined)).resolves.toBe(false);
    await expect(credentials.verify('', undefined)).resolves.toBe(false);
  });
});
