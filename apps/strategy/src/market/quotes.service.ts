import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { wireDecimal } from '../common/decimal';
import { InstrumentNotFoundError } from '../instruments/instruments.errors';
import { Stock } from '../instruments/stock.entity';
import { IntradayBarsRepository } from './intraday-bars.repository';
import { MarketFeedService } from './market-feed.service';
import { NoQuoteError } from './market.errors';
import type { Quote } from './simulated-market';

function wire({ lastSize, ...q }: Quote): Quote {
  return { ...q, bid: wireDecimal(q.bid)!, ask: wireDecimal(q.ask)!, last: wireDecimal(q.last)!, ...(lastSize ? { lastSize } : {}) };
}

/** Latest quotes: this replica's feed's own if it runs here, else `latest_quote` (saved once a second by the replica that does). */
@Injectable()
export class QuotesService {
  constructor(
    private readonly em: EntityManager,
    private readonly repo: IntradayBarsRepository,
    private readonly feed: MarketFeedService,
  ) {}

  async quote(symbol: string): Promise<Quote> {
    if (!(await this.em.count(Stock, { symbol }))) throw new InstrumentNotFoundError(symbol);
    const [q] = await this.quotes([symbol]);
    if (!q) throw new NoQuoteError(symbol);
    return q;
  }

  async list(symbols: string[]): Promise<{ items: Quote[] }> {
    return { items: await this.quotes(symbols) };
  }

  private async quotes(symbols: string[]): Promise<Quote[]> {
    const local = symbols.map((s) => this.feed.latestQuote(s)).filter((q): q is Quote => q !== undefined);
    const missing = symbols.filter((s) => !this.feed.latestQuote(s));
    const stored = missing.length ? await this.repo.quotes(missing) : [];
    return [...local, ...stored].map(wire).sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  }
}
