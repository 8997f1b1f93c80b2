import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ValidationError, ZodPipe } from '@alphintra/platform-http';
import { importBodyDoc, importParams, importQuery, importResponse, type ImportParams, type ImportQuery } from './dto/imports.dto';
import { ImportsService } from './imports.service';

@Controller('api/v1/market/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /** A CSV file of bars, checked whole (422 naming every bad row, nothing stored), then stored in the background: 202 with the import to follow. */
  @Post()
  @Roles('admin')
  @HttpCode(202)
  @ApiDoc({ query: importQuery, body: importBodyDoc, contentTypes: ['text/csv'], status: 202, response: importResponse, problems: [413, 415, 422, 503] })
  start(@Body() body: unknown, @Query(new ZodPipe(importQuery)) q: ImportQuery, @CurrentUser() user: Principal) {
    if (typeof body !== 'string') throw new ValidationError([{ path: '(body)', message: 'must be a text/csv file' }]);
    return this.imports.start(body, q.symbol, user.userId);
  }

  @Get(':id')
  @Roles('admin')
  @ApiDoc({ params: importParams, status: 200, response: importResponse, problems: [404] })
  get(@Param(new ZodPipe(importParams)) p: ImportParams) {
    return this.imports.get(p.id);
  }
}
