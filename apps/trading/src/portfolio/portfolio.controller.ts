import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, pageQuery, ZodPipe, type PageQuery } from '@alphintra/platform-http';
import { depositResponse, executionPageResponse, portfolioResponse } from './dto/portfolio.responses';
import { depositBody, type DepositBody } from './dto/portfolio.dto';
import { PortfolioService } from './portfolio.service';

@Controller('api/v1')
export class PortfolioController {
  constructor(private readonly portfolio: PortfolioService) {}

  @Get('portfolio')
  @ApiDoc({ status: 200, response: portfolioResponse })
  view(@CurrentUser() user: Principal) {
    return this.portfolio.view(user.userId);
  }

  @Post('portfolio/deposits')
  @HttpCode(201)
  @ApiDoc({ body: depositBody, status: 201, response: depositResponse })
  deposit(@CurrentUser() user: Principal, @Body(new ZodPipe(depositBody)) body: DepositBody) {
    return this.portfolio.deposit(user.userId, body.amount);
  }

  /** The caller's fills, newest first. */
  @Get('executions')
  @ApiDoc({ query: pageQuery.strict(), status: 200, response: executionPageResponse })
  executions(@CurrentUser() user: Principal, @Query(new ZodPipe(pageQuery.strict())) page: PageQuery) {
    return this.portfolio.executions(user.userId, page);
  }
}
