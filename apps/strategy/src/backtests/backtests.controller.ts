import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ZodPipe } from '@alphintra/platform-http';
import { backtestParams, createBacktestBody, type BacktestParams, type CreateBacktestBody } from './dto/backtest.dto';
import { BacktestsService } from './backtests.service';

@Controller('api/v1/backtests')
export class BacktestsController {
  constructor(private readonly backtests: BacktestsService) {}

  @Post()
  @HttpCode(202)
  create(@CurrentUser() user: Principal, @Body(new ZodPipe(createBacktestBody)) body: CreateBacktestBody) {
    return this.backtests.enqueue(user.userId, body);
  }

  @Get(':id')
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(backtestParams)) p: BacktestParams) {
    return this.backtests.get(user.userId, p.id);
  }
}
