import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { CurrentUser, Roles, type Principal } from '@alphintra/platform-auth';
import { ApiDoc, ZodPipe } from '@alphintra/platform-http';
import { symbolParams, type SymbolParams } from '../instruments/dto/instrument.dto';
import { feedChange, feedResponse, quoteResponse, quotesQuery, quotesResponse, type FeedChange, type QuotesQuery } from './dto/market.dto';
import { MarketFeedService } from './market-feed.service';
import { QuotesService } from './quotes.service';

@Controller('api/v1')
export class MarketController {
  constructor(
    private readonly feed: MarketFeedService,
    private readonly quotes: QuotesService,
  ) {}

  @Get('market/feed')
  @Roles('admin')
  @ApiDoc({ status: 200, response: feedResponse, problems: [] })
  state() {
    return this.feed.state();
  }

  /** `simulated` (seed, speed), `replay` (stored 1Min bars from a date, at a speed) or `off`; kept over restarts. */
  @Put('market/feed')
  @Roles('admin')
  @ApiDoc({ body: feedChange, status: 200, response: feedResponse, problems: [422] })
  change(@Body(new ZodPipe(feedChange)) body: FeedChange, @CurrentUser() user: Principal) {
    return this.feed.change(body, user.userId);
  }

  @Get('instruments/:symbol/quote')
  @ApiDoc({ params: symbolParams, status: 200, response: quoteResponse, problems: [404] })
  quote(@Param(new ZodPipe(symbolParams)) p: SymbolParams) {
    return this.quotes.quote(p.symbol);
  }

  @Get('quotes')
  @ApiDoc({ query: quotesQuery, status: 200, response: quotesResponse, problems: [] })
  list(@Query(new ZodPipe(quotesQuery)) q: QuotesQuery) {
    return this.quotes.list(q.symbols);
  }
}
