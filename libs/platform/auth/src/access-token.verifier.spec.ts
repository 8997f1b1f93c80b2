import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AccessTokenVerifier } from './access-token.verifier';
import { InvalidTokenError } from './auth.errors';
import { JwksKeyStore } from './jwks-key-store';
import { compactJws, hmacWith, newSigningKey, signWith, TestAuthServer } from './testing/test-auth-server';

const options = (url: string) => ({ jwksUrl: url, issuer: 'alphintra-auth', audience: 'alphintra' });

describe('AccessTokenVerifier (RS256)', () => {
  let auth: TestAuthServer;
  let verifier: AccessTokenVerifier;
  let now: number;

  beforeAll(async () => (auth = await TestAuthServer.start('RS256')));
  afterAll(() => auth.close());
  beforeEach(() => {
    now = Date.now();
    auth.fetches = 0;
    verifier = new AccessTokenVerifier(options(auth.url), new JwksKeyStore({ url: auth.url, now: () => now }));
  });

  const rejects = async (token: string, reason: RegExp) => {
    const error: unknown = await verifier.verify(token).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error).toMatchObject({ code: 'AUTH.INVALID_TOKEN', kind: 'unauthenticated', message: expect.stringMatching(reason) });
  };

  it('turns a valid token into its principal', async () => {
    await expect(verifier.verify(auth.token({ roles: ['compliance', 'admin'] }))).resolves.toEqual({ userId: 'user-1', roles: ['compliance', 'admin'], tokenId: 'token-1', issuedAt: expect.any(Number) });
  });

  it('accepts a token signed by jsonwebtoken, as the auth service signs them', async () => {
    const token = jwt.sign({ sub: 'user-2', roles: ['trader'] }, auth.key.privateKey, { algorithm: 'RS256', keyid: auth.key.kid, issuer: 'alphintra-auth', audience: 'alphintra', expiresIn: 60 });
    await expect(verifier.verify(token)).resolves.toEqual({ userId: 'user-2', roles: ['trader'], issuedAt: expect.any(Number) });
  });

  it('rejects an unsigned token (alg: none)', async () => {
    await rejects(compactJws({ alg: 'none', kid: auth.key.kid }, { sub: 'user-1', roles: ['admin'] }, () => Buffer.alloc(0)), /algorithm none/);
    expect(auth.fetches).toBe(0);
  });

  it('rejects HS256 signed with the public key PEM as the HMAC secret', async () => {
    const pem = auth.key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const claims = JSON.parse(Buffer.from(auth.token().split('.')[1]!, 'base64url').toString()) as object;
    await rejects(compactJws({ alg: 'HS256', kid: auth.key.kid }, claims, hmacWith(pem)), /algorithm HS256/);
  });

  it('rejects a payload changed after signing', async () => {
    const [header, , signature] = auth.token().split('.');
    const forged = Buffer.from(JSON.stringify({ iss: 'alphintra-auth', aud: 'alphintra', sub: 'user-1', roles: ['admin'], exp: 9_999_999_999 })).toString('base64url');
    await rejects(`${header}.${forged}.${signature}`, /signature is invalid/);
  });

  it('tolerates 30 s of clock skew with the issuer: a token just expired or not yet valid by its clock passes', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(verifier.verify(auth.token({ exp: now - 20 }))).resolves.toMatchObject({ userId: 'user-1' });
    await expect(verifier.verify(auth.token({ nbf: now + 20 }))).resolves.toMatchObject({ userId: 'user-1' });
  });

  it('rejects a token signed by a key the auth service never published', async () => {
    const stranger = newSigningKey('RS256');
    await rejects(compactJws({ alg: 'RS256', kid: auth.key.kid }, { sub: 'user-1' }, signWith('RS256', stranger.privateKey)), /signature is invalid/);
  });

  it.each([
    ['expired past the 30 s clock-skew leeway', { exp: Math.floor(Date.now() / 1000) - 31 }, /expired/],
    ['without exp', { exp: undefined }, /no expiry/],
    ['not yet valid', { nbf: Math.floor(Date.now() / 1000) + 60 }, /not yet valid/],
    ['from another issuer', { iss: 'someone-else' }, /issuer/],
    ['for another audience', { aud: 'another-platform' }, /audience/],
    ['without sub', { sub: undefined }, /no subject/],
    ['with roles not an array', { roles: 'admin' }, /roles claim/],
    ['with an unknown role', { roles: ['trader', 'root'] }, /roles claim/],
    ['without roles', { roles: undefined }, /roles claim/],
  ])('rejects a token %s', async (_, claims, reason) => {
    await rejects(auth.token(claims), reason);
  });

  it('accepts an audience list that names this platform', async () => {
    await expect(verifier.verify(auth.token({ aud: ['other', 'alphintra'] }))).resolves.toMatchObject({ userId: 'user-1' });
  });

  it('rejects a token without a kid header, and malformed tokens', async () => {
    await rejects(auth.token({}, { kid: undefined }), /no key id/);
    await rejects('not-a-token', /malformed/);
    await rejects(`${auth.token()}.extra`, /malformed/);
    await rejects(auth.token().replace('.', '.!'), /malformed/);
  });

  it('rejects unknown kids, re-fetching the JWKS at most once per window', async () => {
    await verifier.verify(auth.token());
    expect(auth.fetches).toBe(1);
    now += 10_000;
    const forged = () => auth.token({}, { kid: randomUUID() });
    await Promise.all(Array.from({ length: 20 }, () => rejects(forged(), /signing key is unknown/)));
    for (let i = 0; i < 20; i++) await rejects(forged(), /signing key is unknown/);
    expect(auth.fetches).toBe(2);
  });

  it('verifies a token under a rotated key after one refresh', async () => {
    const old = auth.token();
    await verifier.verify(old);
    auth.rotate();
    now += 10_000;
    await expect(verifier.verify(auth.token())).resolves.toMatchObject({ userId: 'user-1' });
    expect(auth.fetches).toBe(2);
    await rejects(old, /signing key is unknown/);
  });
});

describe('AccessTokenVerifier and other algorithms', () => {
  let auth: TestAuthServer;
  beforeAll(async () => (auth = await TestAuthServer.start('EdDSA')));
  afterAll(() => auth.close());

  it('refuses EdDSA tokens: RS256 is the one pinned algorithm', async () => {
    await expect(new AccessTokenVerifier(options(auth.url)).verify(auth.token())).rejects.toThrow(/algorithm EdDSA is not accepted/);
    expect(auth.fetches).toBe(0);
  });
});
