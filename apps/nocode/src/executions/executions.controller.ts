import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ZodPipe } from '@alphintra/platform-http';
import { runBody, workflowParams, type RunBody } from '../workflows/dto/workflow.dto';
import { ExecutionsService } from './executions.service';

@Controller('api/v1/nocode/workflows/:id')
export class ExecutionsController {
  constructor(private readonly executions: ExecutionsService) {}

  @Post('run')
  @HttpCode(202)
  run(@CurrentUser() user: Principal, @Param(new ZodPipe(workflowParams)) p: { id: string }, @Body(new ZodPipe(runBody)) body: RunBody, @Req() req: FastifyRequest) {
    return this.executions.run(user.userId, p.id, body, { authorization: req.headers.authorization, requestId: req.id });
  }

  @Get('executions')
  list(@CurrentUser() user: Principal, @Param(new ZodPipe(workflowParams)) p: { id: string }) {
    return this.executions.list(user.userId, p.id);
  }
}
