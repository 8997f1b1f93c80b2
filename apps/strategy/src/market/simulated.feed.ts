import type { MessagingLogger } from '@alphintra/platform-messaging';
import { BarSeries, tradePiece } from './bar-aggregator';
import { FeedRunner } from './feed-runner';
import type { MarketPublisher } from './market.publisher';
import type { SessionRule } from './market-session';
import { SimulatedMarket } from './simulated-market';

export interface SimulatedFeedOptions {
  seed: number;
  speed: number;
  tickMs: number;
  session: SessionRule;
  instruments: { symbol: string; lastClose: string }[];
  start?: number;
}

/** The seeded market, stepped with the wall clock: quotes, throttled last prices, 1Min bars stored and higher bars from them. */
export class SimulatedFeed extends FeedRunner {
  private readonly market: SimulatedMarket;
  private readonly bars = new BarSeries();

  constructor(
    private readonly out: MarketPublisher,
    o: SimulatedFeedOptions,
    logger: MessagingLogger,
  ) {
    super(logger);
    this.market = new SimulatedMarket(o.instruments, { seed: o.seed, speed: o.speed, tickMs: o.tickMs, session: o.session, start: o.start ?? Date.now() });
  }

  protected async step(now: number): Promise<void> {
    const closed = [];
    for (const { quote, trade } of this.market.advanceTo(now)) {
      this.out.quote(quote);
      if (!trade) continue;
      this.out.trade(trade, trade.at);
      closed.push(...this.bars.trade(tradePiece(trade)));
    }
    closed.push(...this.bars.closeUntil(now));
    await this.out.bars(closed, true);
    await this.out.tick(now);
  }

  protected async finish(): Promise<void> {
    await this.out.tick(Date.now());
  }
}
