import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { backtestQueuedResponse, backtestResponse } from '../common/responses';
import { backtestParams, createBacktestBody, type BacktestParams, type CreateBacktestBody } from './dto/backtest.dto';
import { BacktestsService } from './backtests.service';

@Controller('api/v1/backtests')
export class BacktestsController {
  constructor(private readonly backtests: BacktestsService) {}

  @Post()
  @HttpCode(202)
  @ApiDoc({ body: createBacktestBody, status: 202, response: backtestQueuedResponse, problems: [422, 429, 503] })
  create(@CurrentUser() user: Principal, @Body(new ZodPipe(createBacktestBody)) body: CreateBacktestBody, @Req() req: FastifyRequest) {
    return this.backtests.enqueue(user.userId, body, { authorization: req.headers.authorization, requestId: req.id });
  }

  @Get(':id')
  @ApiDoc({ params: backtestParams, status: 200, response: backtestResponse, problems: [404] })
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(backtestParams)) p: BacktestParams) {
    return this.backtests.get(user.userId, p.id);
  }
}
