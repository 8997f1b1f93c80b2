import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { pageQuery, ZodPipe, type PageQuery } from '@alphintra/platform-http';
import { depositBody, type DepositBody } from './dto/portfolio.dto';
import { PortfolioService } from './portfolio.service';

@Controller('api/v1')
export class PortfolioController {
  constructor(private readonly portfolio: PortfolioService) {}

  @Get('portfolio')
  view(@CurrentUser() user: Principal) {
    return this.portfolio.view(user.userId);
  }

  @Post('portfolio/deposits')
  @HttpCode(201)
  deposit(@CurrentUser() user: Principal, @Body(new ZodPipe(depositBody)) body: DepositBody) {
    return this.portfolio.deposit(user.userId, body.amount);
  }

  /** The caller's fills, newest first. */
  @Get('executions')
  executions(@CurrentUser() user: Principal, @Query(new ZodPipe(pageQuery.strict())) page: PageQuery) {
    return this.portfolio.executions(user.userId, page);
  }
}
