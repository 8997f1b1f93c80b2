import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { symbol } from '@alphintra/contracts';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { z } from 'zod';
import { orderResponse } from '../orders/dto/orders.responses';
import { OrdersService } from '../orders/orders.service';
import { closePositionQuery, type ClosePositionQuery } from './dto/portfolio.dto';
import { accountResponse, closeAllResponse, positionResponse } from './dto/portfolio.responses';
import { PortfolioService } from './portfolio.service';

const symbolParams = z.strictObject({ symbol });

@Controller('api/v1')
export class PositionsController {
  constructor(
    private readonly portfolio: PortfolioService,
    private readonly orders: OrdersService,
  ) {}

  @Get('account')
  @ApiDoc({ status: 200, response: accountResponse })
  account(@CurrentUser() user: Principal) {
    return this.portfolio.account(user.userId);
  }

  @Get('positions')
  @ApiDoc({ status: 200, response: z.array(positionResponse) })
  positions(@CurrentUser() user: Principal) {
    return this.portfolio.positions(user.userId);
  }

  @Get('positions/:symbol')
  @ApiDoc({ params: symbolParams, status: 200, response: positionResponse, problems: [404] })
  position(@CurrentUser() user: Principal, @Param(new ZodPipe(symbolParams)) p: { symbol: string }) {
    return this.portfolio.position(user.userId, p.symbol);
  }

  /** A market sell of the free shares: all, `quantity` of them or a `percentage`. */
  @Delete('positions/:symbol')
  @HttpCode(202)
  @ApiDoc({ params: symbolParams, query: closePositionQuery, status: 202, response: orderResponse, problems: [404, 422] })
  close(@CurrentUser() user: Principal, @Param(new ZodPipe(symbolParams)) p: { symbol: string }, @Query(new ZodPipe(closePositionQuery)) q: ClosePositionQuery) {
    return this.orders.closePosition(user.userId, p.symbol, q);
  }

  @Delete('positions')
  @HttpCode(207)
  @ApiDoc({ status: 207, response: closeAllResponse })
  closeAll(@CurrentUser() user: Principal) {
    return this.orders.closeAll(user.userId);
  }
}
