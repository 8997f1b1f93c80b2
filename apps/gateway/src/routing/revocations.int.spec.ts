import { randomUUID } from 'node:crypto';
import { FakeRevocationFeed } from '../testing/fake-revocation-feed';
import { HandMadeTokens } from '../testing/hand-made-tokens';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

describe('gateway: revoked sessions', () => {
  let tokens: HandMadeTokens;
  let feed: FakeRevocationFeed;
  let gw: TestGateway;

  beforeAll(async () => {
    tokens = await HandMadeTokens.start();
    feed = await FakeRevocationFeed.start();
    gw = await startTestGateway({ ...tokens.env, AUTH_REVOCATIONS_URL: feed.url, AUTH_REVOCATION_POLL_MS: '300' });
  });
  afterAll(async () => {
    await gw?.close();
    await feed?.close();
    await tokens?.close();
  });

  const orders = (token: string) => fetch(`${gw.url}/api/v1/orders`, { headers: { authorization: `Bearer ${token}` } });

  it("refuses a session's tokens issued before its revocation within seconds, even once verified and cached; later ones and other sessions pass", async () => {
    const now = Math.floor(Date.now() / 1000);
    const sid = randomUUID();
    const old = tokens.token(tokens.claims({ sid, iat: now }));
    const otherSession = tokens.token(tokens.claims({ sid: randomUUID(), iat: now }));
    expect((await orders(old)).status).toBe(200);

    feed.items.push({ sessionId: sid, notBefore: now + 1, expiresAt: now + 900 });
    let status = 200;
    const revokedAt = Date.now();
    for (const deadline = revokedAt + 10_000; status === 200 && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) status = (await orders(old)).status;
    expect(status).toBe(401);
    expect(Date.now() - revokedAt).toBeLessThan(10_000);
    const refused = await orders(old);
    expect(await refused.json()).toMatchObject({ status: 401, code: 'AUTH.INVALID_TOKEN', detail: 'token has been revoked' });

    expect((await orders(tokens.token(tokens.claims({ sid, iat: now + 1 })))).status).toBe(200);
    expect((await orders(otherSession)).status).toBe(200);
  });

  it('accepts a token up to 30 s past its expiry (clock skew), not beyond', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await orders(tokens.token(tokens.claims({ iat: now - 300, exp: now - 10 })))).status).toBe(200);
    expect((await orders(tokens.token(tokens.claims({ iat: now - 300, exp: now - 45 })))).status).toBe(401);
  });

  it('does not route the feed: it is for verifiers inside the cluster', async () => {
    expect((await fetch(`${gw.url}/internal/v1/revoked-sessions`, { headers: { authorization: `Bearer ${tokens.token()}` } })).status).toBe(404);
  });
});
