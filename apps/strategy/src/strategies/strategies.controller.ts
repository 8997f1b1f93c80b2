import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ZodPipe } from '@alphintra/platform-http';
import { createStrategyBody, listStrategiesQuery, strategyParams, type CreateStrategyBody, type ListStrategiesQuery, type StrategyParams } from './dto/strategy.dto';
import { StrategiesService } from './strategies.service';

@Controller('api/v1/strategies')
export class StrategiesController {
  constructor(private readonly strategies: StrategiesService) {}

  @Post()
  create(@CurrentUser() user: Principal, @Body(new ZodPipe(createStrategyBody)) body: CreateStrategyBody) {
    return this.strategies.create(user.userId, body.name, body.spec);
  }

  @Get()
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(listStrategiesQuery)) q: ListStrategiesQuery) {
    return this.strategies.list(user.userId, q);
  }

  @Get(':id')
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(strategyParams)) p: StrategyParams) {
    return this.strategies.get(user.userId, p.id);
  }
}
