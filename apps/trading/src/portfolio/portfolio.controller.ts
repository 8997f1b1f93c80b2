import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, pageQuery, ZodPipe, type PageQuery } from '@alphintra/platform-http';
import { activityPageResponse, depositResponse, executionPageResponse, portfolioResponse } from './dto/portfolio.responses';
import { activitiesQuery, depositBody, type ActivitiesQuery, type DepositBody } from './dto/portfolio.dto';
import { PortfolioService } from './portfolio.service';

@Controller('api/v1')
export class PortfolioController {
  constructor(private readonly portfolio: PortfolioService) {}

  @Get('portfolio')
  @ApiDoc({ status: 200, response: portfolioResponse })
  view(@CurrentUser() user: Principal) {
    return this.portfolio.view(user.userId);
  }

  @Post('account/deposits')
  @HttpCode(201)
  @ApiDoc({ body: depositBody, status: 201, response: depositResponse })
  deposit(@CurrentUser() user: Principal, @Body(new ZodPipe(depositBody)) body: DepositBody) {
    return this.portfolio.deposit(user.userId, body.amount);
  }

  /** The older path of `account/deposits`. */
  @Post('portfolio/deposits')
  @HttpCode(201)
  @ApiDoc({ body: depositBody, status: 201, response: depositResponse })
  depositToPortfolio(@CurrentUser() user: Principal, @Body(new ZodPipe(depositBody)) body: DepositBody) {
    return this.portfolio.deposit(user.userId, body.amount);
  }

  @Post('account/withdrawals')
  @HttpCode(201)
  @ApiDoc({ body: depositBody, status: 201, response: depositResponse, problems: [422] })
  withdraw(@CurrentUser() user: Principal, @Body(new ZodPipe(depositBody)) body: DepositBody) {
    return this.portfolio.withdraw(user.userId, body.amount);
  }

  /** The ledger: every movement of cash or shares, newest first, with the balance after it. */
  @Get('account/activities')
  @ApiDoc({ query: activitiesQuery, status: 200, response: activityPageResponse })
  activities(@CurrentUser() user: Principal, @Query(new ZodPipe(activitiesQuery)) q: ActivitiesQuery) {
    return this.portfolio.activities(user.userId, q);
  }

  /** The caller's fills, newest first. */
  @Get('executions')
  @ApiDoc({ query: pageQuery.strict(), status: 200, response: executionPageResponse })
  executions(@CurrentUser() user: Principal, @Query(new ZodPipe(pageQuery.strict())) page: PageQuery) {
    return this.portfolio.executions(user.userId, page);
  }
}
