import { randomUUID } from 'node:crypto';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { LogController } from 'fastify';
import type { Logger } from 'pino';
import { PinoNestLogger } from './logger';
import { instrumentHttp } from './metrics';
import { ProblemDetailsFilter } from './problem.filter';

export interface HttpOptions {
  name: string;
  host: string;
  port: number;
  logger: Logger;
  bodyLimitBytes?: number;
  /** Fastify plugins or hooks to register before Nest's routes (the gateway's proxy). */
  configure?: (app: NestFastifyApplication) => Promise<void> | void;
}

export const REQUEST_ID_HEADER = 'x-request-id';

export function fastifyAdapter(o: Pick<HttpOptions, 'name' | 'logger' | 'bodyLimitBytes'>): FastifyAdapter {
  return new FastifyAdapter({
    loggerInstance: o.logger as never,
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: REQUEST_ID_HEADER,
    genReqId: () => randomUUID(),
    bodyLimit: o.bodyLimitBytes ?? 1_048_576,
    trustProxy: true,
  });
}

/** Builds (does not listen) a service's HTTP app: Fastify, problem details, request ids, metrics, OpenAPI. */
export async function createHttpApp(module: Type | DynamicModule, o: HttpOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, fastifyAdapter(o), {
    logger: new PinoNestLogger(o.logger),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (req, reply) => void reply.header(REQUEST_ID_HEADER, req.id));
  instrumentHttp(fastify);
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  await o.configure?.(app);
  const doc = openApiDocument(app, o.name);
  fastify.get('/openapi.json', { schema: { hide: true } as never }, async () => doc);
  return app;
}

export function openApiDocument(app: INestApplication, name: string): OpenAPIObject {
  const config = new DocumentBuilder().setTitle(`Alphintra ${name}`).setVersion('1').addBearerAuth().build();
  return SwaggerModule.createDocument(app, config);
}

export async function listen(app: NestFastifyApplication, o: Pick<HttpOptions, 'host' | 'port' | 'logger' | 'name'>): Promise<void> {
  await app.listen(o.port, o.host);
  o.logger.info({ url: `http://${o.host}:${o.port}` }, `${o.name} listening`);
}
