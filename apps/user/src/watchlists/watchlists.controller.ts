import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { pageQuery, type PageQuery } from '@alphintra/platform-http';
import { itemBody, itemParams, watchlistBody, watchlistParams, type ItemBody, type WatchlistBody } from './dto/watchlist.dto';
import { watchlistItemResponse, watchlistPageResponse, watchlistResponse } from './dto/watchlists.responses';
import { WatchlistsService } from './watchlists.service';

@Controller('api/v1/users/me/watchlists')
export class WatchlistsController {
  constructor(private readonly watchlists: WatchlistsService) {}

  @Post()
  @ApiDoc({ body: watchlistBody, status: 201, response: watchlistResponse, problems: [409] })
  create(@CurrentUser() user: Principal, @Body(new ZodPipe(watchlistBody)) body: WatchlistBody) {
    return this.watchlists.create(user.userId, body.name);
  }

  @Get()
  @ApiDoc({ query: pageQuery, status: 200, response: watchlistPageResponse })
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(pageQuery)) page: PageQuery) {
    return this.watchlists.list(user.userId, page);
  }

  @Get(':id')
  @ApiDoc({ params: watchlistParams, status: 200, response: watchlistResponse, problems: [404] })
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(watchlistParams)) p: { id: string }) {
    return this.watchlists.get(user.userId, p.id);
  }

  @Delete(':id')
  @ApiDoc({ params: watchlistParams, status: 204, problems: [404] })
  @HttpCode(204)
  remove(@CurrentUser() user: Principal, @Param(new ZodPipe(watchlistParams)) p: { id: string }) {
    return this.watchlists.remove(user.userId, p.id);
  }

  @Post(':id/items')
  @ApiDoc({ params: watchlistParams, body: itemBody, status: 201, response: watchlistItemResponse, problems: [404, 409, 422] })
  addItem(@CurrentUser() user: Principal, @Param(new ZodPipe(watchlistParams)) p: { id: string }, @Body(new ZodPipe(itemBody)) body: ItemBody) {
    return this.watchlists.addItem(user.userId, p.id, body.symbol);
  }

  @Delete(':id/items/:symbol')
  @ApiDoc({ params: itemParams, status: 204, problems: [404] })
  @HttpCode(204)
  removeItem(@CurrentUser() user: Principal, @Param(new ZodPipe(itemParams)) p: { id: string; symbol: string }) {
    return this.watchlists.removeItem(user.userId, p.id, p.symbol);
  }
}
