import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Roles } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { barPageResponse, barsUpsertedResponse } from '../common/responses';
import { symbolParams, type SymbolParams } from '../instruments/dto/instrument.dto';
import { readBars } from './bar-rows';
import { InvalidBarsError } from './bars.errors';
import { BarsService } from './bars.service';
import { barsQuery, type BarsQuery } from './dto/bars.dto';
import { barsUploadDoc } from './dto/bars-upload.dto';

@Controller('api/v1/instruments/:symbol/bars')
export class BarsController {
  constructor(private readonly bars: BarsService) {}

  @Get()
  @ApiDoc({ params: symbolParams, query: barsQuery, status: 200, response: barPageResponse, problems: [404] })
  list(@Param(new ZodPipe(symbolParams)) p: SymbolParams, @Query(new ZodPipe(barsQuery)) q: BarsQuery) {
    return this.bars.list(p.symbol, q);
  }

  /** A JSON array of bars, or a `text/csv` file with the header `date,open,high,low,close,volume`. */
  @Post()
  @Roles('admin')
  @HttpCode(200)
  @ApiDoc({ params: symbolParams, body: barsUploadDoc, status: 200, response: barsUpsertedResponse, problems: [404, 409, 415, 422] })
  upsert(@Param(new ZodPipe(symbolParams)) p: SymbolParams, @Body() body: unknown, @Headers('content-type') contentType?: string) {
    const { bars, errors } = readBars(body, contentType);
    if (errors.length) throw new InvalidBarsError(errors);
    return this.bars.upsert(p.symbol, bars);
  }
}
