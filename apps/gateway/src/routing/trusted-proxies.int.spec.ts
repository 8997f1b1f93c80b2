import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { TestTokenIssuer } from '@alphintra/testing';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

describe('gateway: a trusted-proxy configuration that requests contradict', () => {
  let issuer: TestTokenIssuer;
  let gw: TestGateway;
  const lines: { level: number; msg: string }[] = [];

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    const logger = pino({ level: 'warn' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    gw = await startTestGateway({ ...issuer.env, GATEWAY_TRUSTED_PROXY_HOPS: '1' }, { logger });
  });
  afterAll(async () => {
    await gw?.close();
    await issuer?.close();
  });

  it('warns once, on the first request that arrives with fewer X-Forwarded-For entries than trusted hops', async () => {
    const headers = issuer.bearer({ userId: randomUUID() });
    expect((await fetch(`${gw.url}/api/v1/orders`, { headers: { ...headers, 'x-forwarded-for': '203.0.113.9' } })).status).toBe(200);
    expect(lines.filter((l) => /TRUSTED_PROXY_HOPS/.test(l.msg))).toEqual([]);
    for (let i = 0; i < 3; i++) expect((await fetch(`${gw.url}/api/v1/orders`, { headers })).status).toBe(200);
    const warnings = lines.filter((l) => /TRUSTED_PROXY_HOPS=1, but a request from 127\.0\.0\.1 carried 0/.test(l.msg));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.level).toBe(40);
  });
});
