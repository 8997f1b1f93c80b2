import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Roles } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { instrumentPageResponse, instrumentResponse } from '../common/responses';
import { instrumentQuery, newInstrument, symbolParams, type InstrumentQuery, type NewInstrument, type SymbolParams } from './dto/instrument.dto';
import { InstrumentsService } from './instruments.service';

@Controller('api/v1/instruments')
export class InstrumentsController {
  constructor(private readonly instruments: InstrumentsService) {}

  @Get()
  @ApiDoc({ query: instrumentQuery, status: 200, response: instrumentPageResponse })
  list(@Query(new ZodPipe(instrumentQuery)) q: InstrumentQuery) {
    return this.instruments.list(q);
  }

  @Get(':symbol')
  @ApiDoc({ params: symbolParams, status: 200, response: instrumentResponse, problems: [404] })
  get(@Param(new ZodPipe(symbolParams)) p: SymbolParams) {
    return this.instruments.get(p.symbol);
  }

  @Post()
  @ApiDoc({ body: newInstrument, status: 201, response: instrumentResponse, problems: [409] })
  @Roles('admin')
  create(@Body(new ZodPipe(newInstrument)) body: NewInstrument) {
    return this.instruments.create(body);
  }

  @Delete(':symbol')
  @ApiDoc({ params: symbolParams, status: 204, problems: [404] })
  @Roles('admin')
  @HttpCode(204)
  async delist(@Param(new ZodPipe(symbolParams)) p: SymbolParams): Promise<void> {
    await this.instruments.delist(p.symbol);
  }
}
