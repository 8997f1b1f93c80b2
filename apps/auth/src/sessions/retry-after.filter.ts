import { Catch, Logger, type ArgumentsHost } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem, ProblemDetailsFilter } from '@alphintra/platform-http';
import { PasswordHashingBusyError } from '../passwords/password-hashing';
import { LoginThrottledError } from './sessions.errors';

/** The 503 of the routes that hash a password, in their OpenAPI description. */
export const PASSWORD_HASHING_BUSY_TEXT =
  'Too many password checks are in progress (code AUTH.PASSWORD_HASHING_BUSY; each holds 128 MiB, so the service runs a bounded number at once and queues a few more); see Retry-After';

/**
 * A throttled login (429) and a refusal while password hashing is at its limit (503) are the usual
 * problems, with the Retry-After header (RFC 9110 §10.2.3). The 503 is load shedding, not a fault:
 * a warning, not the error log of an unhandled 5xx.
 */
@Catch(LoginThrottledError, PasswordHashingBusyError)
export class RetryAfterFilter extends ProblemDetailsFilter {
  private readonly log = new Logger('PasswordHashing');

  override catch(e: LoginThrottledError | PasswordHashingBusyError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.header('retry-after', String(e.retryAfterSeconds));
    if (e instanceof PasswordHashingBusyError) {
      const req = host.switchToHttp().getRequest<FastifyRequest>();
      this.log.warn({ reqId: req.id, code: e.code, retryAfterSeconds: e.retryAfterSeconds }, e.message);
      void reply
        .status(503)
        .header('content-type', 'application/problem+json')
        .send(problem(503, e.message, { code: e.code, instance: req.url.split('?')[0] }));
      return;
    }
    super.catch(e, host);
  }
}
