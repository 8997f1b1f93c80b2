import { Controller, Get, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { OutboxBackPressureError, OutboxBacklog } from '@alphintra/platform-messaging';
import { createHttpApp } from './bootstrap';
import { createLogger } from './logger';
import { loadServiceEnv } from './service';

const full = new OutboxBacklog('trading_data', { maxPending: 10, maxAgeSeconds: 300, retryAfterSeconds: 7 });
full.set(10, 1);

@Controller('orders')
class OrdersController {
  @Get()
  place() {
    full.assertRoom();
  }
}

@Module({ controllers: [OrdersController] })
class OrdersModule {}

describe('outbox back-pressure over HTTP', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createHttpApp(OrdersModule, { name: 'test', host: '127.0.0.1', port: 0, logger: createLogger('test', 'silent') });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app?.close());

  it('answers 503 problem+json with Retry-After while the outbox is over its limits', async () => {
    const r = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/orders' });
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBe('7');
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.json()).toMatchObject({ status: 503, code: 'OUTBOX.BACK_PRESSURE', detail: expect.stringMatching(/10 events are waiting \(at most 10\)/) });
  });

  it('refuses by age too, and lets writes through under both limits', () => {
    const aged = new OutboxBacklog('trading_data', { maxPending: 10, maxAgeSeconds: 300 });
    aged.set(1, 301);
    expect(() => aged.assertRoom()).toThrow(OutboxBackPressureError);
    aged.set(9, 299);
    expect(() => aged.assertRoom()).not.toThrow();
    aged.set(0, 0);
    expect(aged.state).toEqual({ pending: 0, oldestAgeSeconds: 0 });
  });

  it('reads the limits, inbox retention and consumer tries from the environment, with defaults', () => {
    const base = { KAFKA_BROKERS: 'localhost:9092', TRADING_DATABASE_PASSWORD: 'x'.repeat(12) };
    expect(loadServiceEnv('trading', 3004, {}, base)).toMatchObject({ OUTBOX_MAX_PENDING: 50_000, OUTBOX_MAX_AGE_SECONDS: 300, MESSAGING_INBOX_RETENTION_DAYS: 14, CONSUMER_MAX_ATTEMPTS: 3 });
    const set = { ...base, OUTBOX_MAX_PENDING: '100', OUTBOX_MAX_AGE_SECONDS: '60', MESSAGING_INBOX_RETENTION_DAYS: '30', CONSUMER_MAX_ATTEMPTS: '5' };
    expect(loadServiceEnv('trading', 3004, {}, set)).toMatchObject({ OUTBOX_MAX_PENDING: 100, OUTBOX_MAX_AGE_SECONDS: 60, MESSAGING_INBOX_RETENTION_DAYS: 30, CONSUMER_MAX_ATTEMPTS: 5 });
    expect(() => loadServiceEnv('trading', 3004, {}, { ...base, OUTBOX_MAX_PENDING: '0' })).toThrow(/OUTBOX_MAX_PENDING/);
  });
});
