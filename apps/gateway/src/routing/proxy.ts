import proxy from '@fastify/http-proxy';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { GatewayEnv } from '../env';
import { ROUTES } from './routes';

/** One reverse-proxy route per API area, to the service that owns it. */
export async function registerRoutes(app: NestFastifyApplication, env: GatewayEnv): Promise<void> {
  for (const [area, upstream] of Object.entries(ROUTES)) {
    const prefix = `/api/v1/${area}`;
    await app.register(proxy as never, { upstream: env.upstreams[upstream], prefix, rewritePrefix: prefix, http2: false });
  }
}
