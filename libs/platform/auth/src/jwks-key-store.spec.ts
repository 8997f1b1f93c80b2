import { generateKeyPairSync } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JwksUnavailableError } from './auth.errors';
import { signingKeysOf } from './jwks';
import { JwksKeyStore } from './jwks-key-store';
import { TestAuthServer } from './testing/test-auth-server';

describe('JwksKeyStore', () => {
  let auth: TestAuthServer;
  let now: number;
  let store: JwksKeyStore;

  beforeEach(async () => {
    auth = await TestAuthServer.start();
    now = 0;
    store = new JwksKeyStore({ url: auth.url, now: () => now });
  });
  afterEach(() => auth.close());

  it('fetches once for concurrent lookups and caches keys for the TTL', async () => {
    const keys = await Promise.all(Array.from({ length: 10 }, () => store.keyFor(auth.key.kid)));
    expect(keys.every((k) => k?.asymmetricKeyType === 'rsa')).toBe(true);
    now += 299_999;
    await store.keyFor(auth.key.kid);
    expect(auth.fetches).toBe(1);
    now += 1;
    await store.keyFor(auth.key.kid);
    expect(auth.fetches).toBe(2);
  });

  it('keeps using a cached key while the JWKS endpoint is down', async () => {
    const kid = auth.key.kid;
    await store.keyFor(kid);
    await auth.close();
    now += 300_000;
    await expect(store.keyFor(kid)).resolves.toBeDefined();
    await expect(store.keyFor('never-seen')).rejects.toBeInstanceOf(JwksUnavailableError);
  });

  it.each<[string, RequestListener]>([
    ['answers an error status', (_req, res) => res.writeHead(503).end()],
    ['answers something other than a JWKS', (_req, res) => res.end('{"keys":"none"}')],
    ['hangs past the timeout', () => undefined],
  ])('fails with JwksUnavailableError when the endpoint %s', async (_, handler) => {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      await expect(new JwksKeyStore({ url, timeoutMs: 200 }).keyFor('k')).rejects.toBeInstanceOf(JwksUnavailableError);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('signingKeysOf', () => {
  const jwk = (key: { export(o: { format: 'jwk' }): object }, extra: object) => ({ ...key.export({ format: 'jwk' }), ...extra });

  it('keeps RSA ≥ 2048 and Ed25519 signing keys with a kid, skips the rest', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    const ed = generateKeyPairSync('ed25519').publicKey;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const keys = signingKeysOf({
      keys: [jwk(rsa, { kid: 'rsa' }), jwk(ed, { kid: 'ed', use: 'sig' }), jwk(weak, { kid: 'weak' }), jwk(ec, { kid: 'ec' }), jwk(rsa, { kid: 'enc', use: 'enc' }), jwk(rsa, {}), { kid: 'junk', kty: 'RSA', n: '!' }],
    });
    expect([...keys.keys()].sort()).toEqual(['ed', 'rsa']);
  });

  it('rejects a document that is not a JWKS', () => {
    expect(() => signingKeysOf({ keys: 'none' })).toThrow();
  });
});
