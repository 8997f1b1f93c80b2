import jwt from 'jsonwebtoken';
import { AccessTokenVerifier, JwksKeyStore } from '@alphintra/platform-auth';
import { AuthTestService } from '../testing/auth-test-service';
import { rotateKeys } from './rotate-keys.command';

const header = (token: string) => jwt.decode(token, { complete: true })!.header;

describe('signing keys: JWKS, access tokens, rotation', () => {
  let auth: AuthTestService;
  let user: { userId: string; email: string; password: string };
  beforeAll(async () => {
    auth = await AuthTestService.start();
    user = await auth.newUser();
  });
  afterAll(() => auth?.close());

  const jwksUrl = () => `${auth.svc.url}/api/v1/auth/.well-known/jwks.json`;
  const verifier = () => new AccessTokenVerifier({ jwksUrl: jwksUrl(), issuer: 'alphintra-auth', audience: 'alphintra' }, new JwksKeyStore({ url: jwksUrl(), minRefreshIntervalMs: 0 }));
  const jwks = async () => (await (await fetch(jwksUrl())).json()) as { keys: { kid: string; kty: string; alg: string; use: string; d?: string }[] };

  it('serves the active public key, without any private part, and with no token needed', async () => {
    const { keys } = await jwks();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String), n: expect.any(String), e: 'AQAB' });
    expect(Object.keys(keys[0]!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('issues RS256 access tokens that platform-auth verifies against the real JWKS endpoint', async () => {
    const { accessToken, expiresIn } = await auth.login(user.email, user.password);
    const { keys } = await jwks();
    expect(header(accessToken)).toMatchObject({ alg: 'RS256', kid: keys[0]!.kid });
    const claims = jwt.decode(accessToken) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: 'alphintra-auth', aud: 'alphintra', sub: user.userId, roles: ['trader'], jti: expect.any(String) });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(expiresIn);
    await expect(verifier().verify(accessToken)).resolves.toMatchObject({ userId: user.userId, roles: ['trader'] });
  });

  it('stores the private key sealed, never in the clear', async () => {
    const [row] = await auth.query<{ sealed_private_key: string }>('select sealed_private_key from "auth_data"."signing_key"');
    expect(row!.sealed_private_key).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(row!.sealed_private_key).not.toContain('PRIVATE KEY');
  });

  it('rotation: new tokens carry the new kid, old tokens stay valid while the retired key is served', async () => {
    const before = await auth.login(user.email, user.password);
    const oldKid = header(before.accessToken).kid;
    const { kid: newKid, retired } = await rotateKeys(auth.env);
    expect(retired).toEqual([oldKid]);
    expect(newKid).not.toBe(oldKid);

    expect((await jwks()).keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
    const after = await auth.login(user.email, user.password);
    expect(header(after.accessToken).kid).toBe(newKid);
    const v = verifier();
    await expect(v.verify(before.accessToken)).resolves.toMatchObject({ userId: user.userId });
    await expect(v.verify(after.accessToken)).resolves.toMatchObject({ userId: user.userId });
    const refreshed = await auth.post<{ accessToken: string }>('/refresh', { refreshToken: before.refreshToken });
    expect(header(refreshed.body.accessToken).kid).toBe(newKid);

    // once every token the old key signed has expired, the key leaves the JWKS
    await auth.query(`update "auth_data"."signing_key" set retired_at = now() - make_interval(secs => ?) where kid = ?`, [auth.env.AUTH_ACCESS_TOKEN_TTL_SECONDS + 1, oldKid]);
    expect((await jwks()).keys.map((k) => k.kid)).toEqual([newKid]);
    await expect(verifier().verify(before.accessToken)).rejects.toThrow(/signing key is unknown/);
  });
});
