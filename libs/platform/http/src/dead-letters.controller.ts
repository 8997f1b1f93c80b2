import { Body, Controller, Get, HttpCode, Inject, Injectable, Post, Query, Req, UseGuards, type CanActivate, type ExecutionContext, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  DeadLetters,
  DeadLettersNotFoundError,
  InvalidDeadLetterCursorError,
  SpanReadTimeoutError,
  UnknownDeadLetterTopicError,
} from '@alphintra/platform-messaging';
import { ApiDoc, wire } from './api-doc';
import { DomainError, ValidationError } from './domain-error';
import { limitParam } from './page';
import { ZodPipe } from './zod.pipe';

const deadLetterId = z.string().regex(/^[A-Za-z0-9._-]+\.dlq:\d{1,9}:\d{1,19}$/, 'must be a dead-letter id: <topic>.dlq:<partition>:<offset>');

export const deadLettersQuery = z.strictObject({
  topic: z.string().min(1).max(249).optional().describe('only the dead letters of this topic (as the service consumes it)'),
  limit: limitParam(),
  cursor: deadLetterId.optional().describe('the id of the last dead letter of the previous page'),
});
export type DeadLettersQuery = z.infer<typeof deadLettersQuery>;

export const redriveBody = z
  .strictObject({
    ids: z.array(deadLetterId).min(1).max(500).optional(),
    all: z.literal(true).optional(),
    topic: z.string().min(1).max(249).optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.ids === undefined) === (b.all === undefined)) ctx.addIssue({ code: 'custom', path: ['ids'], message: 'give either ids or all: true' });
    if (b.topic !== undefined && b.all === undefined) ctx.addIssue({ code: 'custom', path: ['topic'], message: 'goes with all: true' });
  });
export type RedriveBody = z.infer<typeof redriveBody>;

const deadLetter = z.object({
  id: z.string(),
  topic: z.string(),
  partition: z.number().int().nullable(),
  offset: z.string().nullable(),
  eventId: z.string().nullable(),
  eventType: z.string().nullable(),
  key: z.string().nullable(),
  error: z.string().nullable(),
  attempts: z.number().int().nullable(),
  deadLetteredAt: wire.timestamp(),
  redrivenAt: wire.timestamp().nullable(),
});
const redriveResult = z.object({ redriven: z.array(z.string()), alreadyRedriven: z.array(z.string()) });

/**
 * Admins only. The principal is what `@alphintra/platform-auth`'s guard (global, so it runs first)
 * put on the request; without it, say because a service forgot the auth module, nobody gets in.
 */
@Injectable()
export class AdminOnly implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const principal = ctx.switchToHttp().getRequest<{ principal?: { roles?: string[] } }>().principal;
    if (!principal) throw new DomainError('AUTH.INVALID_TOKEN', 'unauthenticated', 'an access token is required');
    if (!principal.roles?.includes('admin')) throw new DomainError('AUTH.FORBIDDEN', 'forbidden', 'This operation requires one of the roles: admin.');
    return true;
  }
}

/** The messaging library's refusals, in HTTP terms. */
async function answer<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof UnknownDeadLetterTopicError) throw new DomainError('DEAD_LETTER.UNKNOWN_TOPIC', 'unprocessable', e.message, [{ path: 'topic', message: e.message }]);
    if (e instanceof InvalidDeadLetterCursorError) throw new ValidationError([{ path: 'cursor', message: e.message }], 'Invalid cursor.');
    if (e instanceof DeadLettersNotFoundError) throw new DomainError('DEAD_LETTER.NOT_FOUND', 'not_found', `No dead letter of this service at ${e.ids.join(', ')}; nothing was redriven.`);
    if (e instanceof SpanReadTimeoutError || /^KafkaJS/.test((e as Error).name)) throw new DomainError('DEAD_LETTER.KAFKA_UNAVAILABLE', 'unavailable', 'Kafka did not answer; nothing was redriven.');
    throw e;
  }
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * `/api/v1/admin/dead-letters/<service>`: the service's own dead letters, listed and redriven. The
 * gateway routes the path unchanged to the service it names, so each service documents its own.
 */
export function deadLettersController(service: string): Type {
  @ApiTags('admin')
  @ApiBearerAuth()
  @UseGuards(AdminOnly)
  @Controller(`api/v1/admin/dead-letters/${service}`)
  class DeadLettersController {
    constructor(@Inject(DeadLetters) private readonly letters: DeadLetters) {}

    @Get()
    @ApiExtension('x-roles', ['admin'])
    @ApiDoc({
      summary: `The dead letters of ${service}'s event consumer (admin), by topic, partition and offset`,
      query: deadLettersQuery,
      status: 200,
      response: wire.page(deadLetter),
      problems: [401, 403, 422, 503],
    })
    list(@Query(new ZodPipe(deadLettersQuery)) q: DeadLettersQuery) {
      return answer(() => this.letters.list(q));
    }

    @Post('redrive')
    @HttpCode(200)
    @ApiExtension('x-roles', ['admin'])
    @ApiDoc({
      summary: `Publishes ${service}'s dead letters again to their topics (admin); a dead letter is published again at most once`,
      body: redriveBody,
      status: 200,
      response: redriveResult,
      problems: [401, 403, 404, 422, 503],
    })
    redrive(@Body(new ZodPipe(redriveBody)) body: RedriveBody, @Req() req: FastifyRequest) {
      const by = `user:${(req as { principal?: { userId?: string } }).principal?.userId ?? 'unknown'}`;
      return answer(() => this.letters.redrive(body.ids ? { ids: body.ids } : { all: true, topic: body.topic }, by));
    }
  }
  // Nest names OpenAPI operations after the class; the gateway merges every service's document.
  Object.defineProperty(DeadLettersController, 'name', { value: `${pascal(service)}DeadLettersController` });
  return DeadLettersController;
}
