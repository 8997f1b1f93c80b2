import { randomUUID } from 'node:crypto';
import { TestTokenIssuer } from '@alphintra/testing';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

describe('gateway limits', () => {
  let issuer: TestTokenIssuer;
  let gw: TestGateway;

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    gw = await startTestGateway({
      ...issuer.env,
      GATEWAY_RATE_LIMIT_PER_MINUTE: '3',
      GATEWAY_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '2',
      GATEWAY_BODY_LIMIT_BYTES: '1024',
    });
  });
  afterAll(async () => {
    await gw.close();
    await issuer.close();
  });

  const statuses = async (n: number, call: () => Promise<Response>) => {
    const out: Response[] = [];
    for (let i = 0; i < n; i++) out.push(await call());
    return out;
  };

  it('limits each user separately and answers 429 problem+json with Retry-After', async () => {
    const alice = issuer.bearer({ userId: randomUUID() });
    const before = gw.services.trading!.received.length;
    const answers = await statuses(4, () => fetch(`${gw.url}/api/v1/orders`, { headers: alice }));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    const limited = answers[3]!;
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await limited.json()).toMatchObject({ status: 429, title: 'Too many requests', code: 'GATEWAY.RATE_LIMITED' });
    expect(gw.services.trading!.received.length - before).toBe(3);
    // Another user, from the same address, has a budget of their own.
    const bob = issuer.bearer({ userId: randomUUID() });
    expect((await fetch(`${gw.url}/api/v1/orders`, { headers: bob })).status).toBe(200);
  });

  it('limits anonymous callers by address', async () => {
    const login = () => fetch(`${gw.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const answers = await statuses(3, login);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 429]);
    // A spoofed X-Forwarded-For does not buy a fresh budget (no trusted proxy hops configured).
    const spoofed = await fetch(`${gw.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' }, body: '{}' });
    expect(spoofed.status).toBe(429);
  });

  it('refuses a body over the limit with 413 problem+json before it reaches the service', async () => {
    const headers = { ...issuer.bearer({ userId: randomUUID() }), 'content-type': 'application/json' };
    const before = gw.services.user!.received.length;
    const res = await fetch(`${gw.url}/api/v1/users/me/watchlists`, { method: 'POST', headers, body: JSON.stringify({ name: 'x'.repeat(2048) }) });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 413, code: 'GATEWAY.BODY_TOO_LARGE' });
    expect(gw.services.user!.received.length).toBe(before);
    const small = await fetch(`${gw.url}/api/v1/users/me/watchlists`, { method: 'POST', headers, body: JSON.stringify({ name: 'tech' }) });
    expect(small.status).toBe(200);
  });

  it('refuses a chunked body over the limit too, and passes a small chunked one through', async () => {
    const headers = { ...issuer.bearer({ userId: randomUUID() }), 'content-type': 'text/csv' };
    const chunked = (parts: string[]) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const p of parts) controller.enqueue(new TextEncoder().encode(p));
          controller.close();
        },
      });
    const post = (parts: string[]) => fetch(`${gw.url}/api/v1/instruments/ACME/bars`, { method: 'POST', headers, body: chunked(parts), duplex: 'half' } as RequestInit);
    const big = await post(Array.from({ length: 8 }, () => 'y'.repeat(512)));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ status: 413 });
    const ok = await post(['date,open\n', '2024-01-02,1.5\n']);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ body: 'date,open\n2024-01-02,1.5\n' });
  });
});
