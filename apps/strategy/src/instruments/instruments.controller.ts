import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Roles } from '@alphintra/platform-auth';
import { ZodPipe } from '@alphintra/platform-http';
import { instrumentQuery, newInstrument, symbolParams, type InstrumentQuery, type NewInstrument, type SymbolParams } from './dto/instrument.dto';
import { InstrumentsService } from './instruments.service';

@Controller('api/v1/instruments')
export class InstrumentsController {
  constructor(private readonly instruments: InstrumentsService) {}

  @Get()
  list(@Query(new ZodPipe(instrumentQuery)) q: InstrumentQuery) {
    return this.instruments.list(q);
  }

  @Get(':symbol')
  get(@Param(new ZodPipe(symbolParams)) p: SymbolParams) {
    return this.instruments.get(p.symbol);
  }

  @Post()
  @Roles('admin')
  create(@Body(new ZodPipe(newInstrument)) body: NewInstrument) {
    return this.instruments.create(body);
  }

  @Delete(':symbol')
  @Roles('admin')
  @HttpCode(204)
  async delist(@Param(new ZodPipe(symbolParams)) p: SymbolParams): Promise<void> {
    await this.instruments.delist(p.symbol);
  }
}
