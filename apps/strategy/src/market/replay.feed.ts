import { wireDecimal } from '../common/decimal';
import type { MessagingLogger } from '@alphintra/platform-messaging';
import { BarSeries, type MarketBar } from './bar-aggregator';
import { FeedRunner } from './feed-runner';
import type { IntradayBarsRepository } from './intraday-bars.repository';
import type { MarketPublisher } from './market.publisher';

const MINUTE = 60_000;
const PAGE = 2000;

/**
 * Stored 1Min bars from a date, paced by a replay clock that runs `speed` times the wall clock and
 * jumps over gaps (nights, weekends) longer than a minute. Each stored bar goes out as it was stored
 * (start, prices, volume), with the higher timeframes rolled up from them; its close is the quote
 * (no book: bid = ask = close) and the last price, stamped with the wall clock.
 */
export class ReplayFeed extends FeedRunner {
  private readonly bars = new BarSeries();
  private buffer: MarketBar[] = [];
  private after: { start: Date; symbol: string } | null = null;
  private exhausted = false;
  private anchor: { replay: number; wall: number };

  constructor(
    private readonly out: MarketPublisher,
    private readonly repo: IntradayBarsRepository,
    private readonly o: { from: string; speed: number },
    logger: MessagingLogger,
  ) {
    super(logger);
    this.anchor = { replay: Date.parse(`${o.from}T00:00:00Z`), wall: Date.now() };
  }

  protected async step(now: number): Promise<void> {
    await this.fill();
    let clock = this.anchor.replay + (now - this.anchor.wall) * this.o.speed;
    const head = this.buffer[0];
    if (head && head.start > clock) {
      this.anchor = { replay: head.start, wall: now };
      clock = head.start;
    }
    const due: MarketBar[] = [];
    while (this.buffer.length && this.buffer[0]!.start + MINUTE <= clock) due.push(this.buffer.shift()!);
    for (const b of due) {
      const close = wireDecimal(b.close)!;
      this.out.quote({ symbol: b.symbol, bid: close, bidSize: '0', ask: close, askSize: '0', last: close, at: new Date(now).toISOString() });
      this.out.trade({ symbol: b.symbol, price: close }, now);
    }
    await this.out.bars([...due.flatMap((b) => this.bars.minuteBar(b)), ...this.bars.closeUntil(clock)], false);
    await this.out.tick(now);
    this.state.position = new Date(Math.max(clock, this.anchor.replay)).toISOString();
    if (this.exhausted && !this.buffer.length) {
      await this.out.bars(this.bars.closeUntil(Number.MAX_SAFE_INTEGER), false);
      this.end('finished');
    }
  }

  protected async finish(): Promise<void> {
    await this.out.tick(Number.MAX_SAFE_INTEGER);
  }

  private async fill(): Promise<void> {
    if (this.exhausted || this.buffer.length > PAGE / 2) return;
    const rows = await this.repo.replayPage(new Date(`${this.o.from}T00:00:00Z`), this.after, PAGE);
    if (rows.length < PAGE) this.exhausted = true;
    const last = rows[rows.length - 1];
    if (last) this.after = { start: new Date(last.start), symbol: last.symbol };
    this.buffer.push(
      ...rows.map((r) => ({
        symbol: r.symbol,
        timeframe: '1Min' as const,
        start: Date.parse(r.start),
        open: wireDecimal(r.open)!,
        high: wireDecimal(r.high)!,
        low: wireDecimal(r.low)!,
        close: wireDecimal(r.close)!,
        volume: r.volume,
      })),
    );
  }
}
