import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { z } from 'zod';
import { Public, REVOKED_SESSIONS_PATH } from '@alphintra/platform-auth';
import { ZodPipe } from '@alphintra/platform-http';
import { RevokedSessions } from './revoked-sessions';

const feedQuery = z.object({ after: z.string().regex(/^\d{1,19}$/).default('0') });

/** The feed every verifier polls; inside the cluster only (the gateway routes no path outside /api/v1). */
@ApiExcludeController()
@Public()
@Controller(REVOKED_SESSIONS_PATH.slice(1))
export class RevokedSessionsController {
  constructor(private readonly revoked: RevokedSessions) {}

  @Get()
  @Header('cache-control', 'no-store')
  page(@Query(new ZodPipe(feedQuery)) { after }: z.infer<typeof feedQuery>) {
    return this.revoked.page(after);
  }
}
