import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ZodPipe } from '@alphintra/platform-http';
import { runScreenerQuery, screenBody, screenerParams, type RunScreenerQuery, type ScreenBody, type ScreenerParams } from './dto/screen.dto';
import { ScreensService } from './screens.service';

@Controller('api/v1')
export class ScreenersController {
  constructor(private readonly screens: ScreensService) {}

  @Get('filters/numeric')
  numericFilters() {
    return this.screens.numericFilters();
  }

  @Get('filters/categorical')
  categoricalFilters() {
    return this.screens.categoricalFilters();
  }

  @Get('screeners')
  screeners() {
    return this.screens.screeners();
  }

  @Get('screeners/:id')
  screener(@Param(new ZodPipe(screenerParams)) p: ScreenerParams) {
    return this.screens.screener(p.id);
  }

  @Post('screeners/:id/run')
  @HttpCode(200)
  runScreener(@Param(new ZodPipe(screenerParams)) p: ScreenerParams, @Query(new ZodPipe(runScreenerQuery)) q: RunScreenerQuery) {
    return this.screens.runScreener(p.id, q.limit);
  }

  @Post('screens/run')
  @HttpCode(200)
  runScreen(@Body(new ZodPipe(screenBody)) body: ScreenBody) {
    return this.screens.runScreen(body);
  }
}
