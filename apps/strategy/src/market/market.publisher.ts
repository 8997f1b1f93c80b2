import { BarClosed, PriceUpdated, QuoteUpdated } from '@alphintra/contracts';
import type { StreamPublisher } from '@alphintra/platform-messaging';
import type { MarketBar } from './bar-aggregator';
import type { IntradayBarsRepository } from './intraday-bars.repository';
import { LastPriceThrottle } from './last-price.throttle';
import type { Quote, Trade } from './simulated-market';

/**
 * Where a feed's output goes: quotes (latest-only) and bars straight to Kafka, closed 1Min bars into
 * the partitioned table, the last trade (with the top of the book) as a throttled `marketdata.price.updated`, the latest quote
 * of each symbol in memory and, once a second, in `latest_quote` for the other replicas.
 */
export class MarketPublisher {
  readonly latest = new Map<string, Quote>();
  private readonly unsaved = new Map<string, Quote>();
  private readonly throttle: LastPriceThrottle;
  counts = { quotes: 0, trades: 0, bars: 0 };

  constructor(
    private readonly stream: StreamPublisher,
    private readonly repo: IntradayBarsRepository,
    priceIntervalMs: number,
  ) {
    this.throttle = new LastPriceThrottle(priceIntervalMs);
  }

  quote(q: Quote): void {
    this.stream.publish(QuoteUpdated, q.symbol, q, { latestOnly: true });
    this.latest.set(q.symbol, q);
    this.unsaved.set(q.symbol, q);
    this.counts.quotes++;
  }

  /** A trade's price goes out as `marketdata.price.updated` at most once an interval per symbol. */
  trade(t: Pick<Trade, 'symbol' | 'price'>, now: number): void {
    this.counts.trades++;
    this.prices(this.throttle.offer(t.symbol, t.price, now));
  }

  async bars(bars: MarketBar[], store: boolean): Promise<void> {
    if (!bars.length) return;
    if (store) await this.repo.insertMinuteBars(bars.filter((b) => b.timeframe === '1Min'));
    for (const b of bars) this.stream.publish(BarClosed, b.symbol, { ...b, start: new Date(b.start).toISOString() });
    this.counts.bars += bars.length;
  }

  /** Sends held prices whose interval has passed and saves the quotes that changed. */
  async tick(now: number): Promise<void> {
    this.prices(this.throttle.due(now));
    if (!this.unsaved.size) return;
    const quotes = [...this.unsaved.values()];
    this.unsaved.clear();
    await this.repo.saveQuotes(quotes);
  }

  /** Each price carries the symbol's top of the book as it stands now: what the paper venue fills on. */
  private prices(list: { symbol: string; price: string; at: number }[]): void {
    for (const p of list) {
      const q = this.latest.get(p.symbol);
      const book = q ? { bid: q.bid, bidSize: q.bidSize, ask: q.ask, askSize: q.askSize } : {};
      this.stream.publish(PriceUpdated, p.symbol, { symbol: p.symbol, price: p.price, at: new Date(p.at).toISOString(), ...book });
    }
  }
}
