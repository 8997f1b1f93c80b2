import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { DEFAULT_HTTP_TIMEOUTS, serverTimeoutOptions, type HttpTimeouts } from './http-timeouts';
import { PinoNestLogger } from './logger';
import { instrumentHttp } from './metrics';
import { problem, ProblemDetailsFilter } from './problem.filter';
import { traceRequests } from './tracing';

export interface HttpOptions {
  name: string;
  host: string;
  port: number;
  logger: Logger;
  bodyLimitBytes?: number;
  timeouts?: HttpTimeouts;
  /** Fastify plugins or hooks to register before Nest's routes (the gateway's proxy). */
  configure?: (app: NestFastifyApplication) => Promise<void> | void;
}

export const REQUEST_ID_HEADER = 'x-request-id';

/** Probes, scrapes and the revocation feed every app polls every 2 s, which would drown the access log. */
const UNLOGGED = /^\/(health|metrics|internal\/v1\/revoked-sessions)(\/|\?|$)/;

/**
 * One access-log line per request, at info, when it completes: method, path (never the query
 * string), status and time, with the request id. Headers and bodies are never logged.
 */
class AccessLog extends LogController {
  constructor() {
    super({ disableRequestLogging: (req) => UNLOGGED.test(req.url) });
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(req)) return;
    const entry = { method: req.method, path: req.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (error) reply.log.error({ ...entry, err: error }, 'request errored');
    else reply.log.info(entry, 'request completed');
  }
}

export function fastifyAdapter(o: Pick<HttpOptions, 'name' | 'logger' | 'bodyLimitBytes' | 'timeouts'>): FastifyAdapter {
  return new FastifyAdapter({
    ...serverTimeoutOptions(o.timeouts ?? DEFAULT_HTTP_TIMEOUTS),
    loggerInstance: o.logger as never,
    logController: new AccessLog(),
    requestIdHeader: REQUEST_ID_HEADER,
    genReqId: () => randomUUID(),
    bodyLimit: o.bodyLimitBytes ?? 1_048_576,
    trustProxy: true,
    frameworkErrors: routerProblem,
    clientErrorHandler: clientProblem,
  });
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request was not received in time.'],
  HPE_HEADER_OVERFLOW: [431, 'The request headers are too large.'],
};

/**
 * What Node refuses before Fastify sees a request (a client too slow to send its headers or body:
 * 408; oversized headers: 431; malformed HTTP: 400), as problem+json; the connection is closed.
 */
function clientProblem(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'The request is not valid HTTP.'];
  const body = JSON.stringify(problem(status, detail, { code: `HTTP.${error.code ?? 'CLIENT_ERROR'}` }));
  // As Node does: never write over a response that has begun.
  const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  if (socket.writable && !answering) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * What the router refuses before any route runs (an overlong path parameter: 414; a malformed
 * URL: 400) as problem+json like every other error, not Fastify's own JSON (fuzzing found it).
 */
function routerProblem(error: Error & { statusCode?: number; code?: string }, req: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode ?? 400;
  const detail = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is longer than 100 characters.' : 'The URL is not valid.';
  void reply.status(status).type('application/problem+json').send(problem(status, detail, { code: error.code, instance: req.url.split('?')[0] }));
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
  traceRequests(fastify);
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

/** How long a graceful stop may take before the process exits anyway (Kubernetes' grace period is 30 s). */
export const SHUTDOWN_DEADLINE_MS = 25_000;

export async function listen(app: NestFastifyApplication, o: Pick<HttpOptions, 'host' | 'port' | 'logger' | 'name'>): Promise<void> {
  await app.listen(o.port, o.host);
  o.logger.info({ url: `http://${o.host}:${o.port}` }, `${o.name} listening`);
  // A stop that hangs (a client library waiting on a peer that is gone, say) must not keep the
  // process alive: after the deadline it exits with 1, and whatever supervises it starts it again.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        o.logger.error({ signal, deadlineMs: SHUTDOWN_DEADLINE_MS }, `${o.name} did not stop within the deadline: exiting`);
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
    });
  }
}
