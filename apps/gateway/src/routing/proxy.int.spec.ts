import { randomUUID } from 'node:crypto';
import { TestTokenIssuer } from '@alphintra/testing';
import type { Echo } from '../testing/fake-service';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { ROUTES, UPSTREAM_PORTS } from './routes';

describe('gateway routing', () => {
  let issuer: TestTokenIssuer;
  let gw: TestGateway;
  const userId = randomUUID();

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    gw = await startTestGateway({ ...issuer.env, GATEWAY_CORS_ORIGINS: 'https://app.example.com', GATEWAY_UPSTREAM_TIMEOUT_MS: '300' }, { down: ['risk'] });
  });
  afterAll(async () => {
    await gw.close();
    await issuer.close();
  });

  const call = (path: string, init: RequestInit = {}) => fetch(`${gw.url}${path}`, init);
  const echoOf = async (res: Response): Promise<Echo> => {
    expect(res.status).toBe(200);
    return (await res.json()) as Echo;
  };

  it.each(Object.entries(ROUTES).filter(([, service]) => service !== 'risk'))('routes /api/v1/%s to the %s service, path and query unchanged', async (area, service) => {
    const path = `/api/v1/${area}/some/path?limit=5&cursor=a%2Fb`;
    const echo = await echoOf(await call(path, { headers: issuer.bearer({ userId }) }));
    expect(echo).toMatchObject({ service, method: 'GET', url: path });
  });

  it.each(Object.keys(UPSTREAM_PORTS).filter((service) => service !== 'risk'))('routes /api/v1/admin/dead-letters/%s to that service, path and query unchanged', async (service) => {
    const path = `/api/v1/admin/dead-letters/${service}/redrive?topic=t`;
    const echo = await echoOf(await call(path, { method: 'POST', headers: { ...issuer.bearer({ userId }), 'content-type': 'application/json' }, body: '{"all":true}' }));
    expect(echo).toMatchObject({ service, method: 'POST', url: path, body: '{"all":true}' });
  });

  it('routes the dead letters of no service that does not exist', async () => {
    const before = Object.values(gw.services).reduce((n, s) => n + s.received.length, 0);
    const res = await call('/api/v1/admin/dead-letters/payments', { headers: issuer.bearer({ userId }) });
    expect(res.status).toBe(404);
    expect(Object.values(gw.services).reduce((n, s) => n + s.received.length, 0)).toBe(before);
  });

  it('answers 503 problem+json for an area whose service is down', async () => {
    const res = await call('/api/v1/risk/limits', { headers: issuer.bearer({ userId }) });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 503, title: 'Service unavailable', detail: 'The risk service is unavailable.', code: 'GATEWAY.SERVICE_UNAVAILABLE' });
  });

  it('answers 504 problem+json when a service does not answer in time', async () => {
    const res = await call('/api/v1/backtests/hang', { headers: issuer.bearer({ userId }) });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ status: 504, detail: 'The strategy service did not answer in time.', code: 'GATEWAY.SERVICE_TIMEOUT' });
  });

  it('forwards the request id it generated, and returns it', async () => {
    const res = await call('/api/v1/orders', { headers: issuer.bearer({ userId }) });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await echoOf(res)).headers['x-request-id']).toBe(id);
  });

  it("forwards the caller's request id", async () => {
    const res = await call('/api/v1/orders', { headers: { ...issuer.bearer({ userId }), 'x-request-id': 'client-chosen-id' } });
    expect(res.headers.get('x-request-id')).toBe('client-chosen-id');
    expect((await echoOf(res)).headers['x-request-id']).toBe('client-chosen-id');
  });

  it('passes the Authorization header unchanged, the verified identity and the caller address, overwriting what the client claimed', async () => {
    const { authorization } = issuer.bearer({ userId, roles: ['trader', 'admin'] });
    const echo = await echoOf(
      await call('/api/v1/portfolio', {
        headers: { authorization, 'x-alphintra-user-id': 'someone-else', 'x-alphintra-roles': 'admin', 'x-alphintra-impersonate': 'yes', 'x-forwarded-for': '203.0.113.9', 'x-forwarded-host': 'evil.example.com' },
      }),
    );
    expect(echo.headers.authorization).toBe(authorization);
    expect(echo.headers['x-alphintra-user-id']).toBe(userId);
    expect(echo.headers['x-alphintra-roles']).toBe('trader,admin');
    expect(echo.headers['x-alphintra-impersonate']).toBeUndefined();
    // The gateway is the edge here (no trusted proxy hops): the client's forwarding claims are replaced.
    expect(echo.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echo.headers['x-forwarded-host']).toBeUndefined();
  });

  it('forwards request bodies as they are', async () => {
    const csv = 'date,open,high,low,close,volume\n2024-01-02,1.5,2,1,1.75,100\n';
    const echo = await echoOf(await call('/api/v1/instruments/ACME/bars', { method: 'POST', headers: { ...issuer.bearer({ userId }), 'content-type': 'text/csv' }, body: csv }));
    expect(echo).toMatchObject({ service: 'strategy', method: 'POST', body: csv });
    expect(echo.headers['content-type']).toBe('text/csv');
    const json = '{"symbol":"ACME", "quantity":"1.50"}';
    const order = await echoOf(await call('/api/v1/orders', { method: 'POST', headers: { ...issuer.bearer({ userId }), 'content-type': 'application/json', 'idempotency-key': 'k1' }, body: json }));
    expect(order).toMatchObject({ body: json, headers: { 'idempotency-key': 'k1' } });
  });

  it.each([
    ['POST', '/api/v1/auth/register'],
    ['POST', '/api/v1/auth/login'],
    ['POST', '/api/v1/auth/refresh'],
    ['POST', '/api/v1/auth/logout'],
    ['GET', '/api/v1/auth/.well-known/jwks.json'],
  ])('lets %s %s through without a token, stripping claimed identity', async (method, path) => {
    const init: RequestInit = { method, headers: { 'x-alphintra-user-id': 'admin-user', 'x-alphintra-roles': 'admin', 'content-type': 'application/json' } };
    const echo = await echoOf(await call(path, method === 'POST' ? { ...init, body: '{}' } : init));
    expect(echo).toMatchObject({ service: 'auth', method, url: path });
    expect(echo.headers['x-alphintra-user-id']).toBeUndefined();
    expect(echo.headers['x-alphintra-roles']).toBeUndefined();
  });

  it.each([
    ['GET', '/api/v1/auth/me'],
    ['PUT', '/api/v1/auth/users/u1/roles'],
    ['GET', '/api/v1/auth/login'],
    ['POST', '/api/v1/auth/login/'],
    ['POST', '/api/v1/auth/%6Cogin'],
    ['POST', '/api/v1/auth//login'],
    ['POST', '/api/v1/auth/.well-known/jwks.json'],
  ])('needs a token for %s %s', async (method, path) => {
    const before = gw.services.auth!.received.length;
    const res = await call(path, { method, ...(method === 'GET' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } }) });
    expect(res.status).toBe(401);
    expect(gw.services.auth!.received.length).toBe(before);
  });

  it('answers CORS preflights from a configured origin before authentication, and no other origin', async () => {
    const preflight = (origin: string) =>
      call('/api/v1/orders', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const other = await preflight('https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const unauthenticated = await call('/api/v1/orders', { headers: { origin: 'https://app.example.com' } });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  it('keeps the operations endpoints public', async () => {
    for (const path of ['/health/live', '/health/ready', '/metrics']) expect((await call(path)).status).toBe(200);
    const health = await call('/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'down', services: { risk: { status: 'down' }, auth: { status: 'up' } } });
  });
});
