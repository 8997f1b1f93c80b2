import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface AlpacaKey {
  key: string;
  secret: string;
}

export class SealedKeyError extends Error {
  override name = 'SealedKeyError';
}

/** Binds the ciphertext to its use and to the sealing key's id: moved elsewhere or relabelled, it does not open. */
const aad = (keyId: string) => Buffer.from(`strategy.market_feed.alpaca:${keyId}`);

/** AES-256-GCM of the key pair under strategy's `MARKET_CREDENTIALS_KEY`: `v1.<iv>.<tag>.<ciphertext>`, base64url. */
export function sealAlpacaKey(sealing: Buffer, keyId: string, k: AlpacaKey): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealing, iv, { authTagLength: 16 }).setAAD(aad(keyId));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify({ key: k.key, secret: k.secret }), 'utf8'), cipher.final()]);
  return ['v1', ...[iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'))].join('.');
}

export function openAlpacaKey(sealing: Buffer, keyId: string, sealed: string): AlpacaKey {
  const [version, iv, tag, ciphertext, ...rest] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || !ciphertext || rest.length) throw new SealedKeyError('the alpaca key is not sealed in a known format');
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealing, Buffer.from(iv, 'base64url'), { authTagLength: 16 }).setAAD(aad(keyId));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const k = JSON.parse(Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8')) as AlpacaKey;
    return { key: k.key, secret: k.secret };
  } catch {
    throw new SealedKeyError('the alpaca key cannot be opened: another MARKET_CREDENTIALS_KEY or a tampered ciphertext');
  }
}
