import { randomBytes, randomUUID } from 'node:crypto';
import { openCredentials, rewrapDataKey, sealCredentials, SealedCredentialsError, type KekRing } from './envelope';

describe('broker credentials envelope encryption (AES-256-GCM data key under the KEK)', () => {
  const ring: KekRing = { current: { id: 'kek-1', key: randomBytes(32) } };
  const connectionId = randomUUID();
  const userId = randomUUID();
  const creds = { apiKey: 'AKIA-TEST-KEY-1234', apiSecret: 's3cr3t/with+chars' };
  const sealed = sealCredentials(ring.current, connectionId, userId, creds);

  it('round-trips, and never shows the credentials in the sealed form', () => {
    expect(openCredentials(ring, connectionId, userId, sealed)).toEqual(creds);
    expect(sealed.kekId).toBe('kek-1');
    const all = JSON.stringify(sealed);
    expect(all).not.toContain('AKIA');
    expect(all).not.toContain('s3cr3t');
    expect(sealed.ciphertext).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
  });

  it('uses a fresh data key and IV each time', () => {
    const again = sealCredentials(ring.current, connectionId, userId, creds);
    expect(again.ciphertext).not.toBe(sealed.ciphertext);
    expect(again.wrappedKey).not.toBe(sealed.wrappedKey);
  });

  const flip = (value: string, part: number) => {
    const parts = value.split('.');
    const bytes = Buffer.from(parts[part]!, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    parts[part] = bytes.toString('base64url');
    return parts.join('.');
  };

  it.each([
    ['a tampered ciphertext', () => openCredentials(ring, connectionId, userId, { ...sealed, ciphertext: flip(sealed.ciphertext, 3) })],
    ['a tampered tag', () => openCredentials(ring, connectionId, userId, { ...sealed, ciphertext: flip(sealed.ciphertext, 2) })],
    ['a tampered wrapped data key', () => openCredentials(ring, connectionId, userId, { ...sealed, wrappedKey: flip(sealed.wrappedKey, 3) })],
    ['the row moved to another connection id (AAD)', () => openCredentials(ring, randomUUID(), userId, sealed)],
    ['the row moved to another user (AAD)', () => openCredentials(ring, connectionId, randomUUID(), sealed)],
    ['a wrong KEK', () => openCredentials({ current: { id: 'kek-1', key: randomBytes(32) } }, connectionId, userId, sealed)],
    ['a wrapped key relabelled with another KEK id', () => openCredentials({ current: { id: 'kek-2', key: ring.current.key } }, connectionId, userId, { ...sealed, kekId: 'kek-2' })],
    ['an unknown KEK id', () => openCredentials(ring, connectionId, userId, { ...sealed, kekId: 'kek-9' })],
    ['an unknown format', () => openCredentials(ring, connectionId, userId, { ...sealed, ciphertext: sealed.ciphertext.replace(/^v1/, 'v9') })],
  ])('refuses %s', (_, attempt) => {
    expect(attempt).toThrow(SealedCredentialsError);
  });

  it('rewraps the data key under a new KEK; the old KEK alone no longer opens it', () => {
    const rotated: KekRing = { current: { id: 'kek-2', key: randomBytes(32) }, previous: ring.current };
    const rewrapped = { ...sealed, ...rewrapDataKey(rotated, connectionId, sealed) };
    expect(rewrapped.kekId).toBe('kek-2');
    expect(rewrapped.ciphertext).toBe(sealed.ciphertext);
    expect(openCredentials({ current: rotated.current }, connectionId, userId, rewrapped)).toEqual(creds);
    expect(() => openCredentials(ring, connectionId, userId, rewrapped)).toThrow(SealedCredentialsError);
  });
});
