import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { PLATFORM } from '@alphintra/platform-http';
import type { FastifyInstance } from 'fastify';
import type { StrategyEnv } from '../env';
import { IMPORTS_ROUTE } from '../market/dto/imports.dto';

class BodyTooLargeError extends Error {
  readonly statusCode = 413;
  readonly code = 'HTTP.BODY_TOO_LARGE';
}

/**
 * Lets routes take `text/csv` bodies (as a string). Services do not shape the Fastify instance
 * that createHttpApp builds, so the parser is added here, while the app initialises and before
 * Fastify starts listening. Bar imports may be larger (`MARKET_IMPORT_MAX_BYTES`) than other
 * bodies; past its limit a body is refused with 413 before it is all read.
 */
@Injectable()
export class CsvBodyParser implements OnModuleInit {
  constructor(
    private readonly host: HttpAdapterHost,
    @Inject(PLATFORM) private readonly platform: { env: StrategyEnv },
  ) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    if (fastify.hasContentTypeParser('text/csv')) return;
    const importLimit = this.platform.env.MARKET_IMPORT_MAX_BYTES;
    fastify.addContentTypeParser('text/csv', (req, payload, done) => {
      const limit = req.routeOptions.url === IMPORTS_ROUTE ? importLimit : fastify.initialConfig.bodyLimit!;
      const tooLarge = () => new BodyTooLargeError(`The body is larger than ${limit} bytes.`);
      if (Number(req.headers['content-length'] ?? 0) > limit) return done(tooLarge(), undefined);
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) return void chunks.push(chunk);
        stop();
        chunks.length = 0;
        payload.resume();
        done(tooLarge(), undefined);
      };
      const onEnd = (err?: Error) => {
        stop();
        if (err) return done(err, undefined);
        done(null, Buffer.concat(chunks).toString('utf8'));
      };
      const stop = () => {
        payload.removeListener('data', onData);
        payload.removeListener('end', onEnd);
        payload.removeListener('error', onEnd);
      };
      payload.on('data', onData);
      payload.on('end', onEnd);
      payload.on('error', onEnd);
    });
  }
}
