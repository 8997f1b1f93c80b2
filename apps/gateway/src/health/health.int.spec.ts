import { TestTokenIssuer } from '@alphintra/testing';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

const kafkaDown = { status: 'degraded', checks: { database: { status: 'up', required: true }, kafka: { status: 'down', required: false, error: 'Connection error' } } };
const databaseDown = { status: 'down', checks: { database: { status: 'down', required: true }, kafka: { status: 'up', required: false } } };

describe('gateway /health', () => {
  let issuer: TestTokenIssuer;
  let gw: TestGateway;

  beforeAll(async () => {
    issuer = await TestTokenIssuer.start();
    gw = await startTestGateway(issuer.env);
  });
  afterAll(async () => {
    await gw?.close();
    await issuer?.close();
  });

  const health = async () => {
    const r = await fetch(`${gw.url}/health`);
    return { status: r.status, body: (await r.json()) as { status: string; services: Record<string, { status: string; kafka?: string }> } };
  };

  it('is up while every service is', async () => {
    expect(await health()).toMatchObject({ status: 200, body: { status: 'up', services: { trading: { status: 'up' }, auth: { status: 'up' } } } });
  });

  it('stays 200, degraded, naming the service whose Kafka is down, while that service is still ready', async () => {
    gw.services.trading!.readiness = { status: 200, body: kafkaDown };
    try {
      expect(await health()).toMatchObject({ status: 200, body: { status: 'degraded', services: { trading: { status: 'degraded', kafka: 'down' }, risk: { status: 'up' } } } });
    } finally {
      gw.services.trading!.readiness = { status: 200, body: { status: 'up' } };
    }
  });

  it('is 503 while a service is not ready (its database is away)', async () => {
    gw.services.risk!.readiness = { status: 503, body: databaseDown };
    try {
      expect(await health()).toMatchObject({ status: 503, body: { status: 'down', services: { risk: { status: 'down', httpStatus: 503 } } } });
    } finally {
      gw.services.risk!.readiness = { status: 200, body: { status: 'up' } };
    }
  });
});
