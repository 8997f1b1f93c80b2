import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { pageQuery, type PageQuery } from '@alphintra/platform-http';
import { createBody, updateBody, workflowParams, type CreateBody, type UpdateBody } from './dto/workflow.dto';
import { publishedResponse, templateListResponse, validationResponse, workflowPageResponse, workflowResponse } from './dto/workflows.responses';
import { WorkflowsService } from './workflows.service';

@Controller('api/v1/nocode')
export class WorkflowsController {
  constructor(private readonly workflows: WorkflowsService) {}

  @Get('templates')
  @ApiDoc({ status: 200, response: templateListResponse })
  templates() {
    return this.workflows.templates();
  }

  @Post('workflows')
  @ApiDoc({ body: createBody, status: 201, response: workflowResponse, problems: [422] })
  create(@CurrentUser() user: Principal, @Body(new ZodPipe(createBody)) body: CreateBody) {
    return this.workflows.create(user.userId, body);
  }

  @Get('workflows')
  @ApiDoc({ query: pageQuery, status: 200, response: workflowPageResponse })
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(pageQuery)) page: PageQuery) {
    return this.workflows.list(user.userId, page);
  }

  @Get('workflows/:id')
  @ApiDoc({ params: workflowParams, status: 200, response: workflowResponse, problems: [404] })
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(workflowParams)) p: { id: string }) {
    return this.workflows.get(user.userId, p.id);
  }

  @Put('workflows/:id')
  @ApiDoc({ params: workflowParams, body: updateBody, status: 200, response: workflowResponse, problems: [404] })
  update(@CurrentUser() user: Principal, @Param(new ZodPipe(workflowParams)) p: { id: string }, @Body(new ZodPipe(updateBody)) body: UpdateBody) {
    return this.workflows.update(user.userId, p.id, body);
  }

  @Post('workflows/:id/validate')
  @HttpCode(200)
  @ApiDoc({ params: workflowParams, status: 200, response: validationResponse, problems: [404] })
  validate(@CurrentUser() user: Principal, @Param(new ZodPipe(workflowParams)) p: { id: string }) {
    return this.workflows.validate(user.userId, p.id);
  }

  @Post('workflows/:id/publish')
  @HttpCode(202)
  @ApiDoc({ params: workflowParams, status: 202, response: publishedResponse, problems: [404, 422] })
  publish(@CurrentUser() user: Principal, @Param(new ZodPipe(workflowParams)) p: { id: string }) {
    return this.workflows.publish(user.userId, p.id);
  }
}
