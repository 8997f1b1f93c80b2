import cors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Browsers on the configured origins may call the API; preflights are answered before authentication. */
export async function registerCors(app: NestFastifyApplication, origins: string[]): Promise<void> {
  if (origins.length === 0) return;
  await app.register(cors as never, {
    origin: origins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: ['x-request-id', 'retry-after', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'],
    maxAge: 600,
  });
}
