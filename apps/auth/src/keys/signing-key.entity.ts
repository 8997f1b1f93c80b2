import type { JsonWebKey } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** An RS256 key pair; the private half sealed under the key-encryption key. One is active (retiredAt null). */
export const SigningKey = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_key',
  properties: {
    kid: p.text().primary(),
    algorithm: p.text(),
    publicJwk: p.json<JsonWebKey>(),
    sealedPrivateKey: p.text(),
    createdAt: p.datetime(),
    retiredAt: p.datetime().nullable(),
  },
});

export type SigningKey = InferEntity<typeof SigningKey>;
