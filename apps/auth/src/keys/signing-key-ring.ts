import { createHash, createPrivateKey, generateKeyPair, type JsonWebKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { openPrivateKey, sealPrivateKey } from './key-encryption';
import { SigningKey } from './signing-key.entity';

const generateRsa = promisify(generateKeyPair);
const KEY_LOCK = 'alphintra:auth:signing-key';

export interface PublishedJwk extends JsonWebKey {
  kid: string;
  use: 'sig';
  alg: 'RS256';
}

/** RFC 7638 thumbprint: the kid names the key itself, so two keys can never share one. */
const thumbprint = ({ e, kty, n }: JsonWebKey): string => createHash('sha256').update(JSON.stringify({ e, kty, n })).digest('base64url');

/**
 * The service's RS256 signing keys, stored in its own database with the private half sealed
 * under the key-encryption key. Exactly one key is active; a retired key stays in the JWKS
 * until every token it signed has expired (retiredAt + access-token TTL).
 */
export class SigningKeyRing {
  private readonly opened = new Map<string, KeyObject>();

  /** `em` is the ORM's root manager; every operation runs in a fork of its own. */
  constructor(
    private readonly em: EntityManager,
    private readonly kek: Buffer,
    private readonly accessTokenTtlSeconds: number,
  ) {}

  /** Creates the first key when none is active; replicas starting together serialize on a lock. Returns the new kid. */
  ensureActive(): Promise<string | undefined> {
    return this.em.fork().transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [KEY_LOCK]);
      if (await tx.findOne(SigningKey, { retiredAt: null })) return undefined;
      return this.addKey(tx);
    });
  }

  /** Retires the active key and activates a new one. */
  rotate(): Promise<{ kid: string; retired: string[] }> {
    return this.em.fork().transactional(async (tx) => {
      await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [KEY_LOCK]);
      const retired = (await tx.find(SigningKey, { retiredAt: null })).map((k) => k.kid);
      await tx.nativeUpdate(SigningKey, { retiredAt: null }, { retiredAt: new Date() });
      return { kid: await this.addKey(tx), retired };
    });
  }

  async active(): Promise<{ kid: string; privateKey: KeyObject }> {
    const key = await this.em.fork().findOne(SigningKey, { retiredAt: null });
    if (!key) throw new Error('no active signing key');
    let privateKey = this.opened.get(key.kid);
    if (!privateKey) {
      privateKey = createPrivateKey(openPrivateKey(this.kek, key.kid, key.sealedPrivateKey));
      this.opened.set(key.kid, privateKey);
    }
    return { kid: key.kid, privateKey };
  }

  /** The public keys a verifier may meet: the active one and those retired less than a token lifetime ago. */
  async published(): Promise<PublishedJwk[]> {
    const cutoff = new Date(Date.now() - this.accessTokenTtlSeconds * 1000);
    const keys = await this.em.fork().find(SigningKey, { $or: [{ retiredAt: null }, { retiredAt: { $gt: cutoff } }] }, { orderBy: { createdAt: 'desc' } });
    return keys.map((k) => ({ ...k.publicJwk, kid: k.kid, use: 'sig', alg: 'RS256' }));
  }

  private async addKey(tx: EntityManager): Promise<string> {
    const { publicKey, privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
    const { kty, n, e } = publicKey.export({ format: 'jwk' });
    const publicJwk = { kty, n, e };
    const kid = thumbprint(publicJwk);
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    tx.create(SigningKey, { kid, algorithm: 'RS256', publicJwk, sealedPrivateKey: sealPrivateKey(this.kek, kid, pem), createdAt: new Date(), retiredAt: null });
    await tx.flush();
    return kid;
  }
}
