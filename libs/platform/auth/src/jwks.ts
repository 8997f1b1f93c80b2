import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

const jwksBody = z.object({ keys: z.array(z.looseObject({ kid: z.string().min(1).optional(), use: z.string().optional() })) });

function signingKeyOf(jwk: JsonWebKey): KeyObject | undefined {
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  try {
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    if (key.asymmetricKeyType === 'ed25519') return key;
    if (key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) return key;
  } catch {
    // a key we cannot read is skipped, not fatal to the rest of the set
  }
  return undefined;
}

/** The RSA (≥ 2048 bit) and Ed25519 signing keys of a JWKS document, by `kid`; others are ignored. */
export function signingKeysOf(body: unknown): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  for (const jwk of jwksBody.parse(body).keys) {
    const key = signingKeyOf(jwk);
    if (jwk.kid && key) keys.set(jwk.kid, key);
  }
  return keys;
}
