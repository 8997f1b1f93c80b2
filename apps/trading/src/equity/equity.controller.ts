import { Controller, Get, Query } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { historyQuery, type HistoryQuery } from './dto/equity.dto';
import { historyResponse } from './dto/equity.responses';
import { EquityService } from './equity.service';

@Controller('api/v1')
export class EquityController {
  constructor(private readonly equity: EquityService) {}

  /**
   * The caller's equity curve with P&L (Alpaca's portfolio history): 1-minute points, or buckets
   * of them, for up to 31 days; a value at each XNYS close for up to a year, or all of them.
   */
  @Get('account/history')
  @ApiDoc({ query: historyQuery, status: 200, response: historyResponse })
  history(@CurrentUser() user: Principal, @Query(new ZodPipe(historyQuery)) q: HistoryQuery) {
    return this.equity.history(user.userId, q);
  }
}
