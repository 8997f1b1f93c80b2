import { hashPassword, verifyPassword } from './password-hash';

describe('password hashing (scrypt)', () => {
  let hash: string;
  beforeAll(async () => (hash = await hashPassword('correct horse battery staple')));

  it('stores a self-describing scrypt string with N = 2^17, r = 8, p = 1 and a 16-byte salt', () => {
    const [scheme, logN, r, p, salt, key] = hash.split('$');
    expect([scheme, logN, r, p]).toEqual(['scrypt', '17', '8', '1']);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64url')).toHaveLength(32);
    expect(hash).not.toContain('correct horse');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    await expect(verifyPassword('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', hash)).resolves.toBe(false);
    await expect(verifyPassword('', hash)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('correct horse battery staple')).not.toBe(hash);
  });

  it('treats canonically equivalent spellings as one password (NFKC)', async () => {
    const composed = await hashPassword('café au lait 1234');
    await expect(verifyPassword('cafe\u0301 au lait 1234', composed)).resolves.toBe(true);
  });

  it.each<[string, (h: string) => string]>([
    ['another scheme', (h) => h.replace(/^scrypt/, 'bcrypt')],
    ['a cost beyond the accepted range', (h) => h.replace('$17$', '$30$')],
    ['a truncated value', (h) => h.slice(0, 20)],
    ['an altered key', (h) => `${h.slice(0, -2)}${h.endsWith('AA') ? 'AB' : 'AA'}`],
  ])('never matches %s', async (_, alter) => {
    await expect(verifyPassword('correct horse battery staple', alter(hash))).resolves.toBe(false);
  });
});
