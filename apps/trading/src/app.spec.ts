import { startTestService, TestTokenIssuer, type TestService } from '@alphintra/testing';
import { AppModule, spec } from './app.module';
import { loadEnv } from './env';
import { testOrderRecordKey } from './testing/trading-service.fixture';

describe('trading service', () => {
  let svc: TestService;
  let issuer: TestTokenIssuer;
  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    svc = await startTestService(spec, AppModule, loadEnv, { ...issuer.env, TRADING_ORDER_RECORD_SIGNING_KEY: testOrderRecordKey() });
  });
  afterAll(async () => {
    await svc?.close();
    await issuer?.close();
  });

  it('is ready on its own database, as its runtime user', async () => {
    const r = await fetch(`${svc.url}/health/ready`);
    expect(r.status).toBe(200);
    expect(svc.env.database.runtime.user).toBe(`${svc.inst.naming.rolePrefix}trading_service_user`);
  });

  it('answers unknown routes with problem+json', async () => {
    const r = await fetch(`${svc.url}/api/v1/nothing-here`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
