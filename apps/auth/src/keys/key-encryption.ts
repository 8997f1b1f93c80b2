import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export class SealedKeyError extends Error {
  override name = 'SealedKeyError';
}

/**
 * AES-256-GCM under the key-encryption key, with the signing key's `kid` as associated data,
 * so a sealed key copied onto another row (or altered in any byte) fails to open.
 * Sealed form: `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
export function sealPrivateKey(kek: Buffer, kid: string, pem: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: 16 }).setAAD(Buffer.from(kid));
  const ciphertext = Buffer.concat([cipher.update(pem, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

export function openPrivateKey(kek: Buffer, kid: string, sealed: string): string {
  const [version, iv, tag, ciphertext, ...rest] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || !ciphertext || rest.length) throw new SealedKeyError(`signing key ${kid} is not sealed in a known format`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64url'), { authTagLength: 16 }).setAAD(Buffer.from(kid));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedKeyError(`signing key ${kid} cannot be opened: wrong key-encryption key or tampered ciphertext`);
  }
}
