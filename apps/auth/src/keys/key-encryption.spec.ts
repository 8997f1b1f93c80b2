import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { openPrivateKey, SealedKeyError, sealPrivateKey } from './key-encryption';

describe('signing-key encryption (AES-256-GCM under the key-encryption key)', () => {
  const kek = randomBytes(32);
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const sealed = sealPrivateKey(kek, 'kid-1', pem);

  it('round-trips, and never shows the key in the sealed form', () => {
    expect(openPrivateKey(kek, 'kid-1', sealed)).toBe(pem);
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(sealed).not.toContain('PRIVATE');
  });

  it('uses a fresh IV each time', () => {
    expect(sealPrivateKey(kek, 'kid-1', pem)).not.toBe(sealed);
  });

  const flip = (part: number) => {
    const parts = sealed.split('.');
    const bytes = Buffer.from(parts[part]!, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    parts[part] = bytes.toString('base64url');
    return parts.join('.');
  };

  it.each([
    ['a changed ciphertext', () => openPrivateKey(kek, 'kid-1', flip(3))],
    ['a changed tag', () => openPrivateKey(kek, 'kid-1', flip(2))],
    ['a changed IV', () => openPrivateKey(kek, 'kid-1', flip(1))],
    ['another key-encryption key', () => openPrivateKey(randomBytes(32), 'kid-1', sealed)],
    ['a sealed key moved to another kid', () => openPrivateKey(kek, 'kid-2', sealed)],
    ['an unknown format', () => openPrivateKey(kek, 'kid-1', sealed.replace(/^v1/, 'v9'))],
    ['a truncated value', () => openPrivateKey(kek, 'kid-1', sealed.split('.').slice(0, 3).join('.'))],
  ])('refuses %s', (_, open) => {
    expect(open).toThrow(SealedKeyError);
  });
});
