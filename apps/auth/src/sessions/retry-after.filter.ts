import { Catch, type ArgumentsHost } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ProblemDetailsFilter } from '@alphintra/platform-http';
import { LoginThrottledError } from './sessions.errors';

/** A throttled login is the usual 429 problem, with the Retry-After header (RFC 9110 §10.2.3). */
@Catch(LoginThrottledError)
export class RetryAfterFilter extends ProblemDetailsFilter {
  override catch(e: LoginThrottledError, host: ArgumentsHost): void {
    void host.switchToHttp().getResponse<FastifyReply>().header('retry-after', String(e.retryAfterSeconds));
    super.catch(e, host);
  }
}
