import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentUser, type Principal } from '@alphintra/platform-auth';
import { ZodPipe } from '@alphintra/platform-http';
import { pageQuery, type PageQuery } from '@alphintra/platform-http';
import { itemBody, itemParams, watchlistBody, watchlistParams, type ItemBody, type WatchlistBody } from './dto/watchlist.dto';
import { WatchlistsService } from './watchlists.service';

@Controller('api/v1/users/me/watchlists')
export class WatchlistsController {
  constructor(private readonly watchlists: WatchlistsService) {}

  @Post()
  create(@CurrentUser() user: Principal, @Body(new ZodPipe(watchlistBody)) body: WatchlistBody) {
    return this.watchlists.create(user.userId, body.name);
  }

  @Get()
  list(@CurrentUser() user: Principal, @Query(new ZodPipe(pageQuery)) page: PageQuery) {
    return this.watchlists.list(user.userId, page);
  }

  @Get(':id')
  get(@CurrentUser() user: Principal, @Param(new ZodPipe(watchlistParams)) p: { id: string }) {
    return this.watchlists.get(user.userId, p.id);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() user: Principal, @Param(new ZodPipe(watchlistParams)) p: { id: string }) {
    return this.watchlists.remove(user.userId, p.id);
  }

  @Post(':id/items')
  addItem(@CurrentUser() user: Principal, @Param(new ZodPipe(watchlistParams)) p: { id: string }, @Body(new ZodPipe(itemBody)) body: ItemBody) {
    return this.watchlists.addItem(user.userId, p.id, body.symbol);
  }

  @Delete(':id/items/:symbol')
  @HttpCode(204)
  removeItem(@CurrentUser() user: Principal, @Param(new ZodPipe(itemParams)) p: { id: string; symbol: string }) {
    return this.watchlists.removeItem(user.userId, p.id, p.symbol);
  }
}
