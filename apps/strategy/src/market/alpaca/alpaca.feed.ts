import type { MessagingLogger } from '@alphintra/platform-messaging';
import { BarSeries, type MarketBar } from '../bar-aggregator';
import { FeedRunner, type RunnerState } from '../feed-runner';
import type { MarketPublisher } from '../market.publisher';
import { barOf, quoteOf, tradeOf, type AlpacaData } from './alpaca-messages';
import { backfillBars } from './alpaca-rest';
import { AlpacaStream } from './alpaca-stream';

/** Where the feed keeps 1-minute bars: Alpaca's bars are whole, so a stored minute is replaced, not merged. */
export interface MinuteBarStore {
  replaceMinuteBars(bars: MarketBar[]): Promise<void>;
  latestMinutes(symbols: string[]): Promise<Map<string, number>>;
}

export interface AlpacaFeedOptions {
  streamUrl: string;
  dataUrl: string;
  feed: 'iex' | 'sip';
  symbols: string[];
  /** The opened key, or why it could not be opened (the feed then stays failed). */
  credentials: { key: string; secret: string } | { error: string };
  backoffMs: number;
  backoffMaxMs: number;
  timeoutMs: number;
  backfillDays: number;
  /** Last known prices (the instruments' last close) until a trade is seen: a quote carries the last price. */
  lastPrices: Map<string, string>;
  random?: () => number;
}

const MINUTE = 60_000;
/** Alpaca sends a minute's bar just after the minute; higher bars close this long after their end so the last minute is in. */
const BAR_GRACE_MS = 15_000;
const MAX_QUEUED = 100_000;

/**
 * Alpaca's market data as the platform's events: trades become throttled last prices, quotes
 * quotes (with the last trade price), 1-minute bars are stored and published with the 5Min, 15Min
 * and 1H bars rolled up from them. At each (re)connection, missing 1-minute bars of the last
 * `backfillDays` are fetched over REST and stored (not published: they are history).
 */
export class AlpacaFeed extends FeedRunner {
  private readonly stream?: AlpacaStream;
  private readonly bars = new BarSeries();
  private readonly last = new Map<string, { price: string; size?: string }>();
  private queue: AlpacaData[] = [];
  private rejected = 0;
  private dropped = 0;
  private backfillWanted = false;
  private backfilling?: Promise<void>;
  private readonly abort = new AbortController();
  private backfill: NonNullable<RunnerState['connection']>['backfill'] = { state: 'idle', bars: 0, reason: null };

  constructor(
    private readonly out: Pick<MarketPublisher, 'quote' | 'trade' | 'bars' | 'tick'>,
    private readonly store: MinuteBarStore,
    private readonly o: AlpacaFeedOptions,
    logger: MessagingLogger,
  ) {
    super(logger);
    for (const [symbol, price] of o.lastPrices) this.last.set(symbol, { price });
    if ('error' in o.credentials) {
      this.state.status = 'failed';
      this.state.error = o.credentials.error;
      return;
    }
    this.stream = new AlpacaStream(
      { url: `${o.streamUrl}/${o.feed}`, key: o.credentials.key, secret: o.credentials.secret, symbols: o.symbols, backoffMs: o.backoffMs, backoffMaxMs: o.backoffMaxMs, timeoutMs: o.timeoutMs, random: o.random },
      (m) => (this.queue.length < MAX_QUEUED ? void this.queue.push(m) : void this.dropped++),
      () => (this.backfillWanted = o.backfillDays > 0),
    );
  }

  override start(): void {
    this.stream?.start();
    super.start();
  }

  override snapshot(): RunnerState {
    const s = this.stream?.status;
    if (s?.state === 'failed') Object.assign(this.state, { status: 'failed', error: s.reason });
    return {
      ...this.state,
      ...(s ? { connection: { state: s.state, reason: s.reason, connections: s.connections, reconnects: s.reconnects, lastMessageAt: s.lastMessageAt, backfill: { ...this.backfill } } } : {}),
    };
  }

  /** Messages that did not map to an event, and those dropped while the queue was full. */
  get discarded() {
    return { rejected: this.rejected, dropped: this.dropped };
  }

  protected async step(now: number): Promise<void> {
    const minute: MarketBar[] = [];
    const closed: MarketBar[] = [];
    for (const m of this.queue.splice(0)) {
      if (m.T === 't') {
        const t = tradeOf(m);
        if (!t) this.rejected++;
        else {
          this.last.set(t.symbol, { price: t.price, size: t.size });
          this.out.trade(t, now);
        }
      } else if (m.T === 'q') {
        const q = quoteOf(m, this.last.get(m.S));
        if (q) this.out.quote(q);
        else this.rejected++;
      } else {
        const b = barOf(m, m.S);
        if (!b) this.rejected++;
        else {
          minute.push(b);
          closed.push(...this.bars.minuteBar(b));
        }
      }
    }
    if (minute.length) await this.store.replaceMinuteBars(minute);
    closed.push(...this.bars.closeUntil(now - BAR_GRACE_MS));
    await this.out.bars(closed, false);
    await this.out.tick(now);
    if (this.backfillWanted && !this.backfilling) {
      this.backfillWanted = false;
      this.backfilling = this.fill(now).finally(() => (this.backfilling = undefined));
    }
  }

  protected async finish(): Promise<void> {
    this.abort.abort();
    await this.backfilling;
    await this.stream?.stop();
    await this.out.tick(Date.now());
  }

  private async fill(now: number): Promise<void> {
    if ('error' in this.o.credentials) return;
    const rest = { baseUrl: this.o.dataUrl, key: this.o.credentials.key, secret: this.o.credentials.secret, feed: this.o.feed, timeoutMs: this.o.timeoutMs };
    this.backfill = { state: 'running', bars: this.backfill.bars, reason: null };
    try {
      const latest = await this.store.latestMinutes(this.o.symbols);
      const end = now - (now % MINUTE);
      for (const symbol of this.o.symbols) {
        const from = Math.max((latest.get(symbol) ?? -Infinity) + MINUTE, end - this.o.backfillDays * 86_400_000);
        if (from >= end) continue;
        const got = await backfillBars(rest, symbol, new Date(from), new Date(end), (bars) => this.store.replaceMinuteBars(bars), this.abort.signal);
        this.backfill.bars += got.bars;
        this.rejected += got.rejected;
      }
      this.backfill.state = 'done';
    } catch (err) {
      this.backfill = { ...this.backfill, state: 'failed', reason: (err as Error).message };
      if (!this.abort.signal.aborted) this.logger.warn({ err }, 'alpaca backfill failed; the next connection tries again');
    }
  }
}
