import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OutboxBackPressureError } from '@alphintra/platform-messaging';
import { databaseTrouble } from './database-unavailable';
import { DomainError, type DomainErrorKind, type FieldError } from './domain-error';

const STATUS: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code?: string;
  errors?: FieldError[];
}

const titleOf = (status: number): string => (HttpStatus[status] ?? 'Error').toLowerCase().replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

export function problem(status: number, detail: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  const code = extra.code;
  return { type: code ? `urn:alphintra:problem:${code.toLowerCase()}` : 'about:blank', title: titleOf(status), status, detail, ...extra };
}

/** Every error leaves a service as RFC 9457 application/problem+json; internals never leak. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toProblem(exception, req);
    if (exception instanceof OutboxBackPressureError) {
      this.logger.warn({ reqId: req.id, code: body.code }, body.detail);
      void reply.header('retry-after', String(exception.retryAfterSeconds));
    } else if (body.code?.startsWith('DATABASE.')) {
      this.logger.warn({ err: exception, reqId: req.id }, body.detail);
      void reply.header('retry-after', '5');
    } else if (body.status >= 500) this.logger.error({ err: exception, reqId: req.id }, 'unhandled error');
    void reply.status(body.status).header('content-type', 'application/problem+json').send(body);
  }

  private toProblem(e: unknown, req: FastifyRequest): ProblemDetails {
    const instance = req.url.split('?')[0];
    if (e instanceof DomainError) return problem(STATUS[e.kind], e.message, { code: e.code, errors: e.errors, instance });
    if (e instanceof OutboxBackPressureError) return problem(STATUS[e.kind], e.message, { code: e.code, instance });
    if (e instanceof HttpException) {
      const r = e.getResponse();
      const detail = typeof r === 'string' ? r : ((r as { message?: string | string[] }).message?.toString() ?? e.message);
      return problem(e.getStatus(), detail, { instance });
    }
    const fastifyStatus = (e as { statusCode?: number }).statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return problem(fastifyStatus, (e as Error).message, { instance, code: (e as { code?: string }).code });
    }
    const database = databaseTrouble(e);
    if (database === 'unavailable') return problem(503, 'The database is unavailable; try again shortly.', { instance, code: 'DATABASE.UNAVAILABLE' });
    if (database === 'timeout') return problem(503, 'The database did not answer in time; try again shortly.', { instance, code: 'DATABASE.TIMEOUT' });
    return problem(500, 'An unexpected error occurred.', { instance, code: 'INTERNAL' });
  }
}
