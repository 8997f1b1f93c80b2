import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { loadEnv } from '../env';
import { createGateway } from '../gateway';
import { ROUTES, UPSTREAM_PORTS, type Upstream } from '../routing/routes';
import { FakeService } from './fake-service';

export interface TestGateway {
  app: NestFastifyApplication;
  url: string;
  services: Partial<Record<Upstream, FakeService>>;
  close(): Promise<void>;
}

/** A URL on 127.0.0.1 where nothing listens: a service that is down. */
async function nothingListening(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const areasOf = (service: Upstream) => Object.keys(ROUTES).filter((area) => ROUTES[area] === service);

/** The gateway in this process on a free port, each service a `FakeService` (or nothing, for those in `down`). */
export async function startTestGateway(env: Record<string, string>, o: { down?: Upstream[]; logger?: Logger } = {}): Promise<TestGateway> {
  const services: Partial<Record<Upstream, FakeService>> = {};
  const upstreamEnv: Record<string, string> = {};
  for (const service of Object.keys(UPSTREAM_PORTS) as Upstream[]) {
    if (o.down?.includes(service)) {
      upstreamEnv[`GATEWAY_UPSTREAM_${service.toUpperCase()}`] = await nothingListening();
    } else {
      services[service] = await FakeService.start(service, areasOf(service));
      upstreamEnv[`GATEWAY_UPSTREAM_${service.toUpperCase()}`] = services[service].url;
    }
  }
  const app = await createGateway(loadEnv({ LOG_LEVEL: 'silent', ...upstreamEnv, ...env }), o.logger);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    services,
    close: async () => {
      await app.close();
      await Promise.all(Object.values(services).map((s) => s.close()));
    },
  };
}
