import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createKafka } from '@alphintra/platform-messaging';
import { createHttpApp } from './bootstrap';
import { HEALTH_CHECKS, HealthController, type HealthCheck } from './health';
import { createLogger } from './logger';
import { MetricsController } from './metrics';
import { KAFKA, KafkaHealth, PLATFORM } from './platform.module';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A service's health endpoints with the platform's Kafka check against the given brokers and a database check the test switches. */
async function appWith(service: string, brokers: string[], database: { up: boolean }): Promise<NestFastifyApplication> {
  const databaseCheck: HealthCheck = { name: 'database', check: async () => {
      if (!database.up) throw new Error('connection refused');
    },
  };
  @Module({
    controllers: [HealthController, MetricsController],
    providers: [
      { provide: KAFKA, useValue: createKafka({ brokers, clientId: `${service}-health-test` }) },
      { provide: PLATFORM, useValue: { spec: { service }, env: { KAFKA_BROKERS: brokers } } },
      KafkaHealth,
      { provide: HEALTH_CHECKS, inject: [KafkaHealth], useFactory: (kafka: KafkaHealth) => [databaseCheck, kafka] },
    ],
  })
  class HealthTestModule {}
  const app = await createHttpApp(HealthTestModule, { name: service, host: '127.0.0.1', port: 0, logger: createLogger(service, 'silent') });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('readiness: what a pod needs to serve (its database), with Kafka reported beside it', () => {
  const get = async (app: NestFastifyApplication, url: string) => app.getHttpAdapter().getInstance().inject({ method: 'GET', url });

  it('stays ready (200, degraded) with Kafka unreachable, reports kafka down and kafka_up 0; is 503 once the database is away', async () => {
    const database = { up: true };
    const app = await appWith('kafkaless', [`127.0.0.1:${await closedPort()}`], database);
    try {
      const ready = await get(app, '/health/ready');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'degraded', checks: { database: { status: 'up', required: true }, kafka: { status: 'down', required: false, error: expect.any(String) } } });
      expect((await get(app, '/metrics')).body).toMatch(/^kafka_up\{service="kafkaless"\} 0$/m);

      database.up = false;
      const notReady = await get(app, '/health/ready');
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json()).toMatchObject({ status: 'down', checks: { database: { status: 'down', error: 'connection refused' }, kafka: { status: 'down' } } });
    } finally {
      await app.close();
    }
  });

  it('is up with kafka_up 1 when the cluster answers', async () => {
    const app = await appWith('kafkaful', process.env.ALPHINTRA_KAFKA_BROKERS!.split(','), { up: true });
    try {
      const ready = await get(app, '/health/ready');
      expect({ status: ready.statusCode, body: ready.json() }).toMatchObject({ status: 200, body: { status: 'up', checks: { kafka: { status: 'up' } } } });
      expect((await get(app, '/metrics')).body).toMatch(/^kafka_up\{service="kafkaful"\} 1$/m);
    } finally {
      await app.close();
    }
  });
});
