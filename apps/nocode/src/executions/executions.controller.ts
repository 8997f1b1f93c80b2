import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { runBody, workflowParams, type RunBody } from '../workflows/dto/workflow.dto';
import { executionListResponse, executionResponse, runStartedResponse } from './executions.responses';
import { ExecutionsService } from './executions.service';

@Controller('api/v1/nocode')
export class ExecutionsController {
  constructor(private readonly executions: ExecutionsService) {}

  @Post('workflows/:id/run')
  @HttpCode(202)
  @ApiDoc({ params: workflowParams, body: runBody, status: 202, response: runStartedResponse, problems: [404, 422, 429, 503] })
  run(@CurrentUser() user: Principal, @Param(new ZodPipe(workflowParams)) p: { id: string }, @Body(new ZodPipe(runBody)) body: RunBody, @Req() req: FastifyRequest) {
    return this.executions.run(user.userId, p.id, body, { authorization: req.headers.authorization, requestId: req.id });
  }

  @Get('workflows/:id/executions')
  @ApiDoc({ params: workflowParams, status: 200, response: executionListResponse, problems: [404] })
  list(@CurrentUser() user: Principal, @Param(new ZodPipe(workflowParams)) p: { id: string }) {
    return this.executions.list(user.userId, p.id);
  }

  @Get('executions/:id')
  @ApiDoc({ params: workflowParams, status: 200, response: executionResponse, problems: [404] })
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(workflowParams)) p: { id: string }) {
    return this.executions.get(user.userId, p.id);
  }
}
