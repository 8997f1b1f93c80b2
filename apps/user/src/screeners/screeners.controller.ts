import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { pageQuery, type PageQuery } from '@alphintra/platform-http';
import { StrategyUnavailableError } from '@alphintra/strategy-client';
import { screenerBody, screenerParams, type ScreenerBody } from './dto/screener.dto';
import { screenerPageResponse, screenerResponse, screenRunResponse } from './dto/screeners.responses';
import { ScreenersService } from './screeners.service';

@Controller('api/v1/users/me/screeners')
export class ScreenersController {
  constructor(private readonly screeners: ScreenersService) {}

  @Post()
  @ApiDoc({ body: screenerBody, status: 201, response: screenerResponse, problems: [409, 422] })
  create(@CurrentUser() user: Principal, @Body(new ZodPipe(screenerBody)) body: ScreenerBody) {
    return this.screeners.create(user.userId, body);
  }

  @Get()
  @ApiDoc({ query: pageQuery, status: 200, response: screenerPageResponse })
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(pageQuery)) page: PageQuery) {
    return this.screeners.list(user.userId, page);
  }

  @Get(':id')
  @ApiDoc({ params: screenerParams, status: 200, response: screenerResponse, problems: [404] })
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(screenerParams)) p: { id: string }) {
    return this.screeners.get(user.userId, p.id);
  }

  @Post(':id/run')
  @ApiDoc({ params: screenerParams, status: 200, response: screenRunResponse, problems: [404, 422, 503] })
  @HttpCode(200)
  async run(
    @CurrentUser() user: Principal,
    @Param(new ZodPipe(screenerParams)) p: { id: string },
    @Req() req: FastifyRequest,
  ) {
    try {
      return await this.screeners.run(user.userId, p.id, { authorization: req.headers.authorization, requestId: req.id });
    } catch (e) {
      if (e instanceof StrategyUnavailableError) throw new ServiceUnavailableException('Strategy, which runs screens, is unavailable; try again shortly.');
      throw e;
    }
  }
}
