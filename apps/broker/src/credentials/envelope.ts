import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export class SealedCredentialsError extends Error {
  override name = 'SealedCredentialsError';
}

export interface KeyEncryptionKey {
  id: string;
  key: Buffer;
}

/** The current key-encryption key, and during a rotation the one stored data keys may still be wrapped under. */
export interface KekRing {
  current: KeyEncryptionKey;
  previous?: KeyEncryptionKey;
}

/** What a connection row stores: nothing here opens without the KEK and the row's own ids. */
export interface SealedCredentials {
  /** `v1.<iv>.<tag>.<ciphertext>` of the credentials JSON under the data key. */
  ciphertext: string;
  /** `v1.<iv>.<tag>.<ciphertext>` of the data key under the KEK `kekId`. */
  wrappedKey: string;
  kekId: string;
}

export interface BrokerCredentials {
  apiKey: string;
  apiSecret: string;
}

/** Binds the credentials' ciphertext to its row: moved to another connection or user, it fails to open. */
const credentialsAad = (connectionId: string, userId: string) => Buffer.from(`broker.connection.credentials:${connectionId}:${userId}`);
/** Binds a wrapped data key to its KEK id and its connection. */
const keyAad = (kekId: string, connectionId: string) => Buffer.from(`broker.connection.data-key:${kekId}:${connectionId}`);

function seal(key: Buffer, aad: Buffer, plaintext: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 }).setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [VERSION, ...[iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'))].join('.');
}

function open(key: Buffer, aad: Buffer, sealed: string, what: string): Buffer {
  const [version, iv, tag, ciphertext, ...rest] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || !ciphertext || rest.length) throw new SealedCredentialsError(`${what} is not sealed in a known format`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: 16 }).setAAD(aad);
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  } catch {
    throw new SealedCredentialsError(`${what} cannot be opened: wrong key-encryption key or tampered ciphertext`);
  }
}

function kekFor(ring: KekRing, kekId: string): Buffer {
  if (ring.current.id === kekId) return ring.current.key;
  if (ring.previous?.id === kekId) return ring.previous.key;
  throw new SealedCredentialsError(`data key is wrapped under key-encryption key "${kekId}", which is not configured`);
}

/** Envelope encryption: a fresh data key per sealing encrypts the credentials; the KEK wraps the data key. */
export function sealCredentials(kek: KeyEncryptionKey, connectionId: string, userId: string, credentials: BrokerCredentials): SealedCredentials {
  const dataKey = randomBytes(32);
  try {
    const plaintext = Buffer.from(JSON.stringify({ apiKey: credentials.apiKey, apiSecret: credentials.apiSecret }), 'utf8');
    return {
      ciphertext: seal(dataKey, credentialsAad(connectionId, userId), plaintext),
      wrappedKey: seal(kek.key, keyAad(kek.id, connectionId), dataKey),
      kekId: kek.id,
    };
  } finally {
    dataKey.fill(0);
  }
}

export function openCredentials(ring: KekRing, connectionId: string, userId: string, sealed: SealedCredentials): BrokerCredentials {
  const dataKey = open(kekFor(ring, sealed.kekId), keyAad(sealed.kekId, connectionId), sealed.wrappedKey, `data key of connection ${connectionId}`);
  try {
    if (dataKey.length !== 32) throw new SealedCredentialsError(`data key of connection ${connectionId} has the wrong length`);
    const json = open(dataKey, credentialsAad(connectionId, userId), sealed.ciphertext, `credentials of connection ${connectionId}`);
    const parsed = JSON.parse(json.toString('utf8')) as BrokerCredentials;
    return { apiKey: parsed.apiKey, apiSecret: parsed.apiSecret };
  } finally {
    dataKey.fill(0);
  }
}

/** Unwraps a data key with whichever configured KEK it is under and wraps it under the current one. The ciphertext is untouched. */
export function rewrapDataKey(ring: KekRing, connectionId: string, sealed: Pick<SealedCredentials, 'wrappedKey' | 'kekId'>): { wrappedKey: string; kekId: string } {
  const dataKey = open(kekFor(ring, sealed.kekId), keyAad(sealed.kekId, connectionId), sealed.wrappedKey, `data key of connection ${connectionId}`);
  try {
    return { wrappedKey: seal(ring.current.key, keyAad(ring.current.id, connectionId), dataKey), kekId: ring.current.id };
  } finally {
    dataKey.fill(0);
  }
}

export const kekRingOf = (env: { BROKER_KEK: Buffer; BROKER_KEK_ID: string; BROKER_KEK_PREVIOUS?: Buffer; BROKER_KEK_PREVIOUS_ID?: string }): KekRing => ({
  current: { id: env.BROKER_KEK_ID, key: env.BROKER_KEK },
  ...(env.BROKER_KEK_PREVIOUS && { previous: { id: env.BROKER_KEK_PREVIOUS_ID ?? 'kek-previous', key: env.BROKER_KEK_PREVIOUS } }),
});

/** The last four characters of an API key: all a response ever shows of the credentials. */
export const last4 = (apiKey: string) => apiKey.slice(-4);
