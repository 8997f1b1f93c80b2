import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HandMadeTokens } from '../testing/hand-made-tokens';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

/** Auth's revoked-sessions feed as far as the gateway can tell: entries after a numeric cursor. */
class FakeRevocationFeed {
  readonly items: { sessionId: string; notBefore: number; expiresAt: number }[] = [];
  constructor(readonly server: Server) {
    server.on('request', (req, res) => {
      const after = Number(new URL(req.url!, 'http://x').searchParams.get('after') ?? '0');
      const page = this.items.slice(after);
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ items: page, cursor: String(after + page.length) }));
    });
  }
  static async start(): Promise<FakeRevocationFeed> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeRevocationFeed(server);
  }
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/internal/v1/revoked-sessions`;
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

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
