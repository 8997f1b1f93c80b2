import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiParam, ApiResponse } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ApiProblems, pageQuery, ZodPipe, type PageQuery } from '@alphintra/platform-http';
import { activityPageResponse, depositResponse, executionPageResponse, portfolioResponse } from './dto/portfolio.responses';
import { activitiesQuery, depositBody, statementParams, type ActivitiesQuery, type DepositBody } from './dto/portfolio.dto';
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

  /** A month's statement: opening cash, every activity, the positions at the month's end, closing cash. */
  @Get('account/statements/:month.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @ApiParam({ name: 'month', required: true, schema: { type: 'string', pattern: '^(19[7-9][0-9]|2[0-9]{3})-(0[1-9]|1[0-2])$' }, description: 'yyyy-mm (UTC), 1970-01 to 2999-12' })
  @ApiResponse({ status: 200, description: 'The statement as CSV', content: { 'text/csv': { schema: { type: 'string' } } } })
  @ApiProblems(400, 414)
  statement(@CurrentUser() user: Principal, @Param(new ZodPipe(statementParams)) p: { month: string }) {
    return this.portfolio.statement(user.userId, p.month);
  }

  /** The caller's fills, newest first. */
  @Get('executions')
  @ApiDoc({ query: pageQuery.strict(), status: 200, response: executionPageResponse })
  executions(@CurrentUser() user: Principal, @Query(new ZodPipe(pageQuery.strict())) page: PageQuery) {
    return this.portfolio.executions(user.userId, page);
  }
}
