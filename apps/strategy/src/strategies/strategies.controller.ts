import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { strategyPageResponse, strategyResponse } from '../common/responses';
import { createStrategyBody, listStrategiesQuery, strategyParams, type CreateStrategyBody, type ListStrategiesQuery, type StrategyParams } from './dto/strategy.dto';
import { StrategiesService } from './strategies.service';

@Controller('api/v1/strategies')
export class StrategiesController {
  constructor(private readonly strategies: StrategiesService) {}

  @Post()
  @ApiDoc({ body: createStrategyBody, status: 201, response: strategyResponse, problems: [422] })
  create(@CurrentUser() user: Principal, @Body(new ZodPipe(createStrategyBody)) body: CreateStrategyBody) {
    return this.strategies.create(user.userId, body.name, body.spec);
  }

  @Get()
  @ApiDoc({ query: listStrategiesQuery, status: 200, response: strategyPageResponse })
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(listStrategiesQuery)) q: ListStrategiesQuery) {
    return this.strategies.list(user.userId, q);
  }

  @Get(':id')
  @ApiDoc({ params: strategyParams, status: 200, response: strategyResponse, problems: [404] })
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(strategyParams)) p: StrategyParams) {
    return this.strategies.get(user.userId, p.id);
  }
}
