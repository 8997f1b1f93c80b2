import { generateKeyPairSync } from 'node:crypto';
import type { Echo } from '../testing/fake-service';
import { compactJws, HandMadeTokens, hs256, rs256 } from '../testing/hand-made-tokens';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

describe('gateway access-token verification', () => {
  let tokens: HandMadeTokens;
  let gw: TestGateway;

  beforeAll(async () => {
    tokens = await HandMadeTokens.start();
    gw = await startTestGateway(tokens.env);
  });
  afterAll(async () => {
    await gw.close();
    await tokens.close();
  });

  const received = () => gw.services.trading!.received.length;
  const callOrders = (authorization?: string) => fetch(`${gw.url}/api/v1/orders`, { headers: authorization ? { authorization } : {} });

  it('lets a valid token through, with the verified identity', async () => {
    const claims = tokens.claims({ roles: ['trader', 'compliance'] });
    const res = await callOrders(`Bearer ${tokens.token(claims)}`);
    expect(res.status).toBe(200);
    const echo = (await res.json()) as Echo;
    expect(echo.headers['x-alphintra-user-id']).toBe(claims.sub);
    expect(echo.headers['x-alphintra-roles']).toBe('trader,compliance');
  });

  const attacks: [string, RegExp, (t: HandMadeTokens) => string | undefined][] = [
    ['no token', /required/, () => undefined],
    ['a non-bearer scheme', /required/, () => `Basic ${Buffer.from('admin:admin').toString('base64')}`],
    ['a malformed token', /malformed/, () => 'Bearer not.a.jwt'],
    ['alg: none', /algorithm none/, (t) => `Bearer ${compactJws({ alg: 'none', typ: 'JWT', kid: t.kid }, t.claims(), () => Buffer.alloc(0))}`],
    ['HS256 signed with the public key', /algorithm HS256/, (t) => `Bearer ${compactJws({ alg: 'HS256', typ: 'JWT', kid: t.kid }, t.claims(), hs256(t.keys.publicKey.export({ type: 'spki', format: 'pem' })))}`],
    [
      'a tampered payload', /signature/,
      (t) => {
        const [header, , signature] = t.token().split('.');
        const forged = Buffer.from(JSON.stringify(t.claims({ roles: ['admin'] }))).toString('base64url');
        return `Bearer ${header}.${forged}.${signature}`;
      },
    ],
    ['an expired token', /expired/, (t) => `Bearer ${t.token(t.claims({ iat: 1_000, exp: Math.floor(Date.now() / 1000) - 60 }))}`],
    ['a wrong issuer', /issuer/, (t) => `Bearer ${t.token(t.claims({ iss: 'someone-else' }))}`],
    ['a wrong audience', /audience/, (t) => `Bearer ${t.token(t.claims({ aud: 'another-api' }))}`],
    ['an unknown kid', /key is unknown/, (t) => `Bearer ${compactJws({ alg: 'RS256', typ: 'JWT', kid: 'unknown-kid' }, t.claims(), rs256(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey))}`],
    ['the trusted kid on a foreign key', /signature/, (t) => `Bearer ${compactJws({ alg: 'RS256', typ: 'JWT', kid: t.kid }, t.claims(), rs256(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey))}`],
    ['no expiry', /no expiry/, (t) => `Bearer ${t.token((({ exp: _exp, ...rest }) => rest)(t.claims()))}`],
    ['no subject', /no subject/, (t) => `Bearer ${t.token((({ sub: _sub, ...rest }) => rest)(t.claims()))}`],
  ];

  it.each(attacks)('answers %s with 401 problem+json and never calls the service', async (_name, reason, authorization) => {
    const before = received();
    const res = await callOrders(authorization(tokens));
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(await res.json()).toMatchObject({ type: expect.any(String), title: 'Unauthorized', status: 401, detail: expect.stringMatching(reason) });
    expect(received()).toBe(before);
  });

  it('does not fetch the JWKS for a token whose algorithm is not RS256', async () => {
    const before = tokens.fetches;
    await callOrders(`Bearer ${compactJws({ alg: 'none', kid: 'another-unknown-kid' }, tokens.claims(), () => Buffer.alloc(0))}`);
    expect(tokens.fetches).toBe(before);
  });
});
