import { randomUUID } from 'node:crypto';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { LOGGER, PLATFORM } from '@alphintra/platform-http';
import { StreamPublisher, type MessagingLogger } from '@alphintra/platform-messaging';
import { wireDecimal } from '../common/decimal';
import type { StrategyEnv } from '../env';
import type { FeedChange } from './dto/market.dto';
import type { FeedRunner } from './feed-runner';
import { IntradayBarsRepository } from './intraday-bars.repository';
import { MarketFeedRepository, type AlpacaSetting, type FeedSetting, type SealedAlpacaKey } from './market-feed.repository';
import { MarketPublisher } from './market.publisher';
import { ALWAYS_OPEN, US_REGULAR_HOURS } from './market-session';
import { AlpacaFeed } from './alpaca/alpaca.feed';
import { openAlpacaKey, sealAlpacaKey } from './alpaca/sealed-key';
import { AlpacaKeyRequiredError, SealingKeyMissingError, UnlistedSymbolsError } from './market.errors';
import { ReplayFeed } from './replay.feed';
import { SimulatedFeed } from './simulated.feed';

const LEASE_SECONDS = 10;
const CONTROL_INTERVAL_MS = 2000;
const DAY_MS = 86_400_000;

/**
 * Runs the feed an admin chose on exactly one replica: the holder of the `market_feed` lease, which
 * it renews every 2 s (a replica that dies loses it within 10 s). A changed setting (its revision)
 * restarts the runner; the replica that took the change applies it at once, others within 2 s.
 * It also keeps the monthly bar partitions ahead (at start and daily).
 */
@Injectable()
export class MarketFeedService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly id = randomUUID();
  private readonly session;
  private runner?: { revision: number; feed: FeedRunner; out: MarketPublisher };
  private timer?: NodeJS.Timeout;
  private control?: Promise<void>;
  private stopped = false;
  private partitionsAt = 0;

  constructor(
    private readonly feeds: MarketFeedRepository,
    private readonly bars: IntradayBarsRepository,
    private readonly stream: StreamPublisher,
    @Inject(PLATFORM) private readonly platform: { env: StrategyEnv },
    @Inject(LOGGER) private readonly logger: MessagingLogger,
  ) {
    this.session = this.env.MARKET_FEED_ALWAYS_OPEN ? ALWAYS_OPEN : US_REGULAR_HOURS;
  }

  private get env(): StrategyEnv {
    return this.platform.env;
  }

  async onApplicationBootstrap(): Promise<void> {
    const e = this.env;
    await this.feeds.ensure({
      mode: e.MARKET_FEED === 'replay' && !e.MARKET_FEED_REPLAY_FROM ? 'off' : e.MARKET_FEED,
      seed: e.MARKET_FEED === 'simulated' ? e.MARKET_FEED_SEED : null,
      speed: e.MARKET_FEED_SPEED,
      replayFrom: e.MARKET_FEED === 'replay' ? (e.MARKET_FEED_REPLAY_FROM ?? null) : null,
    });
    await this.reconcile();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.control;
    await this.stopRunner();
    await this.feeds.release(this.id).catch(() => undefined);
    await this.stream.close();
  }

  async state() {
    const s = await this.feeds.read();
    const session = this.session.sessionFrom(Date.now());
    const open = session.open <= Date.now();
    const here = this.runner?.revision === s.revision;
    const r = here ? this.runner!.feed.snapshot() : undefined;
    const elsewhere = !here && s.holder !== null && s.leaseUntil !== null && Date.parse(s.leaseUntil) > Date.now();
    return {
      mode: s.mode,
      seed: s.seed,
      speed: s.speed,
      from: s.replayFrom,
      alpaca: s.mode === 'alpaca' ? s.alpaca : null,
      alpacaKey: s.alpacaKey ? { keyIdLast4: s.alpacaKey.last4, sealedWith: s.alpacaKey.keyId } : null,
      alwaysOpen: this.env.MARKET_FEED_ALWAYS_OPEN,
      session: {
        open,
        nextOpen: open || !Number.isFinite(session.open) ? null : new Date(session.open).toISOString(),
        nextClose: Number.isFinite(session.close) ? new Date(session.close).toISOString() : null,
      },
      revision: s.revision,
      changedBy: s.changedBy,
      changedAt: s.changedAt,
      runner: r
        ? { here: true, ...r, published: { ...this.runner!.out.counts } }
        : { here: false, status: elsewhere && s.mode !== 'off' ? ('elsewhere' as const) : ('idle' as const), startedAt: null },
    };
  }

  async change(c: FeedChange, userId: string) {
    let alpaca: AlpacaSetting | null = null;
    let alpacaKey: SealedAlpacaKey | null | 'keep' = 'keep';
    if (c.mode === 'alpaca') {
      if (c.symbols) {
        const listed = new Set(await this.bars.listedSymbols(c.symbols));
        const unlisted = c.symbols.filter((x) => !listed.has(x));
        if (unlisted.length) throw new UnlistedSymbolsError(unlisted);
      }
      if (c.keyId && c.secretKey) {
        const sealing = this.env.MARKET_CREDENTIALS_KEY;
        if (!sealing) throw new SealingKeyMissingError();
        const id = this.env.MARKET_CREDENTIALS_KEY_ID;
        alpacaKey = { sealed: sealAlpacaKey(sealing, id, { key: c.keyId, secret: c.secretKey }), keyId: id, last4: c.keyId.slice(-4) };
      } else if (!(await this.feeds.read()).alpacaKey) throw new AlpacaKeyRequiredError();
      alpaca = { feed: c.feed, symbols: c.symbols ? [...new Set(c.symbols)].sort() : null };
    } else if (c.forgetAlpacaKey) alpacaKey = null;
    await this.feeds.change({
      mode: c.mode,
      seed: c.mode === 'simulated' ? c.seed : null,
      speed: c.mode === 'simulated' || c.mode === 'replay' ? c.speed : 1,
      replayFrom: c.mode === 'replay' ? c.from : null,
      alpaca,
      alpacaKey,
      changedBy: userId,
    });
    await this.reconcile();
    return this.state();
  }

  /** The latest quote this replica's feed saw, for the quote endpoints. */
  latestQuote(symbol: string) {
    return this.runner?.out.latest.get(symbol);
  }

  private reconcile(): Promise<void> {
    clearTimeout(this.timer);
    const run = (this.control ?? Promise.resolve()).then(() => this.controlOnce());
    this.control = run.finally(() => {
      if (this.control === run && !this.stopped) this.timer = setTimeout(() => void this.reconcile(), CONTROL_INTERVAL_MS);
    });
    return run;
  }

  private async controlOnce(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.maintainPartitions();
      const s = await this.feeds.lease(this.id, LEASE_SECONDS);
      if (!s || s.mode === 'off') return await this.stopRunner();
      if (this.runner?.revision === s.revision) return;
      await this.stopRunner();
      await this.startRunner(s);
    } catch (err) {
      this.logger.error({ err }, 'market feed control failed; trying again');
    }
  }

  private async startRunner(s: FeedSetting): Promise<void> {
    const out = new MarketPublisher(this.stream, this.bars, this.env.MARKET_PRICE_INTERVAL_MS);
    const feed =
      s.mode === 'simulated'
        ? new SimulatedFeed(
            out,
            { seed: s.seed!, speed: s.speed, tickMs: this.env.MARKET_FEED_TICK_MS, session: this.session, instruments: await this.bars.listedWithPrice() },
            this.logger,
          )
        : s.mode === 'alpaca'
          ? await this.alpacaFeed(s, out)
          : new ReplayFeed(out, this.bars, { from: s.replayFrom!, speed: s.speed }, this.logger);
    this.runner = { revision: s.revision, feed, out };
    feed.start();
    this.logger.info({ mode: s.mode, seed: s.seed, speed: s.speed, from: s.replayFrom, revision: s.revision }, 'market feed started');
  }

  private async alpacaFeed(s: FeedSetting, out: MarketPublisher): Promise<AlpacaFeed> {
    const e = this.env;
    const symbols = s.alpaca!.symbols ?? (await this.bars.listedSymbols());
    const prices = new Map((await this.bars.listedWithPrice()).map((i) => [i.symbol, i.lastClose]));
    let credentials: { key: string; secret: string } | { error: string };
    if (!s.alpacaKey) credentials = { error: 'no alpaca key is stored' };
    else if (!e.MARKET_CREDENTIALS_KEY) credentials = { error: 'MARKET_CREDENTIALS_KEY is not set, so the stored alpaca key cannot be opened' };
    else {
      try {
        credentials = openAlpacaKey(e.MARKET_CREDENTIALS_KEY, s.alpacaKey.keyId, s.alpacaKey.sealed);
      } catch (err) {
        credentials = { error: (err as Error).message };
      }
    }
    return new AlpacaFeed(
      out,
      this.bars,
      {
        streamUrl: e.MARKET_ALPACA_STREAM_URL,
        dataUrl: e.MARKET_ALPACA_DATA_URL,
        feed: s.alpaca!.feed,
        symbols,
        credentials,
        backoffMs: e.MARKET_ALPACA_BACKOFF_MS,
        backoffMaxMs: Math.max(e.MARKET_ALPACA_BACKOFF_MAX_MS, e.MARKET_ALPACA_BACKOFF_MS),
        timeoutMs: e.MARKET_ALPACA_TIMEOUT_MS,
        backfillDays: e.MARKET_ALPACA_BACKFILL_DAYS,
        lastPrices: new Map([...prices].map(([k, v]) => [k, wireDecimal(v)!])),
      },
      this.logger,
    );
  }

  private async stopRunner(): Promise<void> {
    const r = this.runner;
    this.runner = undefined;
    if (!r) return;
    await r.feed.stop();
    await this.stream.flush();
    this.logger.info({ revision: r.revision, ...r.out.counts }, 'market feed stopped');
  }

  private async maintainPartitions(): Promise<void> {
    if (Date.now() - this.partitionsAt < DAY_MS) return;
    const changed = await this.bars.maintainPartitions(this.env.INTRADAY_BARS_RETENTION_MONTHS);
    this.partitionsAt = Date.now();
    if (changed.length) this.logger.info({ changed }, 'intraday bar partitions maintained');
  }
}
