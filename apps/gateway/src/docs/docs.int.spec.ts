import { TestTokenIssuer } from '@alphintra/testing';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

describe('gateway API docs', () => {
  let issuer: TestTokenIssuer;
  let gw: TestGateway;

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    gw = await startTestGateway(issuer.env, { down: ['broker'] });
  });
  afterAll(async () => {
    await gw.close();
    await issuer.close();
  });

  it('serves the merged document of the services, reporting those that are down', async () => {
    const res = await fetch(`${gw.url}/docs/openapi.json`);
    expect(res.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document read field by field
    const doc = (await res.json()) as any;
    expect(doc['x-unavailable-services']).toEqual(['broker']);
    expect(doc.servers).toEqual([{ url: '/' }]);
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/probe', '/api/v1/orders/probe', '/api/v1/instruments/probe', '/api/v1/notifications/probe']));
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/api/v1/broker'))).toBe(false);
    // Paths the gateway does not route are not part of its API.
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/internal/'))).toBe(false);
    // Each service's `Probe` differs, so each is prefixed and referenced by its new name; identical `Shared` stays one.
    expect(doc.components.schemas).toHaveProperty('trading_Probe.properties.trading');
    expect(doc.components.schemas).not.toHaveProperty('Probe');
    expect(doc.components.schemas.Shared).toEqual({ type: 'string' });
    expect(doc.paths['/api/v1/orders/probe'].get.responses[200].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/trading_Probe' });
  });

  it('answers Swagger UI at /docs', async () => {
    const res = await fetch(`${gw.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toMatch(/swagger-ui/i);
    const init = await fetch(`${gw.url}/docs/swagger-ui-init.js`);
    expect(await init.text()).toContain('/api/v1/orders/probe');
  });
});
