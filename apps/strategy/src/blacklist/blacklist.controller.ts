import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { blacklistEntryResponse, blacklistPageResponse } from '../common/responses';
import { symbolParams, type SymbolParams } from '../instruments/dto/instrument.dto';
import { BlacklistService } from './blacklist.service';
import { blacklistQuery, newBlacklistEntry, type BlacklistQuery, type NewBlacklistEntry } from './dto/blacklist.dto';

@Controller('api/v1/blacklist')
export class BlacklistController {
  constructor(private readonly blacklist: BlacklistService) {}

  @Get()
  @ApiDoc({ query: blacklistQuery, status: 200, response: blacklistPageResponse })
  list(@Query(new ZodPipe(blacklistQuery)) q: BlacklistQuery) {
    return this.blacklist.list(q);
  }

  @Get(':symbol')
  @ApiDoc({ params: symbolParams, status: 200, response: blacklistEntryResponse, problems: [404] })
  get(@Param(new ZodPipe(symbolParams)) p: SymbolParams) {
    return this.blacklist.get(p.symbol);
  }

  @Post()
  @ApiDoc({ body: newBlacklistEntry, status: 201, response: blacklistEntryResponse, problems: [409, 422] })
  @Roles('compliance', 'admin')
  add(@Body(new ZodPipe(newBlacklistEntry)) body: NewBlacklistEntry, @CurrentUser() user: Principal) {
    return this.blacklist.add(body, user.userId);
  }

  @Delete(':symbol')
  @ApiDoc({ params: symbolParams, status: 204, problems: [404] })
  @Roles('compliance', 'admin')
  @HttpCode(204)
  async remove(@Param(new ZodPipe(symbolParams)) p: SymbolParams): Promise<void> {
    await this.blacklist.remove(p.symbol);
  }
}
