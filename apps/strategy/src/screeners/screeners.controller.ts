import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { categoricalFiltersResponse, instrumentListResponse, numericFiltersResponse, screenerListResponse, screenerResponse } from '../common/responses';
import { runScreenerQuery, screenBody, screenerParams, type RunScreenerQuery, type ScreenBody, type ScreenerParams } from './dto/screen.dto';
import { ScreensService } from './screens.service';

@Controller('api/v1')
export class ScreenersController {
  constructor(private readonly screens: ScreensService) {}

  @Get('filters/numeric')
  @ApiDoc({ status: 200, response: numericFiltersResponse })
  numericFilters() {
    return this.screens.numericFilters();
  }

  @Get('filters/categorical')
  @ApiDoc({ status: 200, response: categoricalFiltersResponse })
  categoricalFilters() {
    return this.screens.categoricalFilters();
  }

  @Get('screeners')
  @ApiDoc({ status: 200, response: screenerListResponse })
  screeners() {
    return this.screens.screeners();
  }

  @Get('screeners/:id')
  @ApiDoc({ params: screenerParams, status: 200, response: screenerResponse, problems: [404] })
  screener(@Param(new ZodPipe(screenerParams)) p: ScreenerParams) {
    return this.screens.screener(p.id);
  }

  @Post('screeners/:id/run')
  @HttpCode(200)
  @ApiDoc({ params: screenerParams, query: runScreenerQuery, status: 200, response: instrumentListResponse, problems: [404] })
  runScreener(@Param(new ZodPipe(screenerParams)) p: ScreenerParams, @Query(new ZodPipe(runScreenerQuery)) q: RunScreenerQuery) {
    return this.screens.runScreener(p.id, q.limit);
  }

  @Post('screens/run')
  @HttpCode(200)
  @ApiDoc({ body: screenBody, status: 200, response: instrumentListResponse, problems: [422] })
  runScreen(@Body(new ZodPipe(screenBody)) body: ScreenBody) {
    return this.screens.runScreen(body);
  }
}
