import { Dec } from '@alphintra/money';
import type { Session, SessionRule } from './market-session';
import { SeededRandom, seedOf } from './seeded-random';

export interface Quote {
  symbol: string;
  bid: string;
  bidSize: string;
  ask: string;
  askSize: string;
  last: string;
  lastSize?: string;
  at: string;
}

export interface Trade {
  symbol: string;
  price: string;
  size: string;
  at: number;
  auction?: 'open' | 'close';
}

export interface Tick {
  quote: Quote;
  trade?: Trade;
}

export interface SimulationOptions {
  seed: number;
  /** The feed's start (epoch ms): with the seed, it fixes every tick. */
  start: number;
  /** Market time per wall time: at 60× one wall minute carries an hour's volatility and volume. */
  speed: number;
  session: SessionRule;
  /** Mean wall time between two ticks of one symbol. */
  tickMs: number;
}

/** A year of regular sessions in milliseconds of trading time: 252 × 6.5 h. */
const TRADING_YEAR_MS = 252 * 6.5 * 3_600_000;
const OVERNIGHT_SIGMA = 0.012;
const CLOSING_AUCTION_SIGMA = 0.002;

/** Whole cents as a wire decimal: 18750 → "187.5". */
function price(cents: number): string {
  const fraction = String(cents % 100).padStart(2, '0').replace(/0+$/, '');
  return fraction ? `${Math.trunc(cents / 100)}.${fraction}` : String(Math.trunc(cents / 100));
}

/**
 * One symbol's market: a fair value (a model variable; every price that leaves it is whole cents)
 * that moves as geometric Brownian motion with more volatility near the open and the close, a
 * spread of a few basis points, round-lot sizes, trades at the bid or the ask, and an auction
 * trade at each session's open (the overnight gap from the last close) and close.
 */
class SymbolMarket {
  private readonly rng: SeededRandom;
  private readonly sigma: number;
  private fair: number;
  private lastCents: number;
  private lastSize?: number;
  private session: Session;
  private opened = false;
  private nextTick = 0;
  private at: number;

  constructor(
    readonly symbol: string,
    lastCloseCents: number,
    private readonly o: SimulationOptions,
  ) {
    this.rng = new SeededRandom(seedOf(`${o.seed}:${symbol}`));
    this.sigma = this.rng.between(0.18, 0.45);
    this.fair = lastCloseCents;
    this.lastCents = lastCloseCents;
    this.at = o.start;
    this.session = o.session.sessionFrom(o.start);
  }

  /** The ticks of this symbol up to and including `until`, in time order. */
  advanceTo(until: number, out: Tick[]): void {
    for (;;) {
      if (!this.opened) {
        const at = Math.max(this.session.open, this.o.start);
        if (at > until) return;
        out.push(this.auction(at, 'open', OVERNIGHT_SIGMA));
        this.opened = true;
        this.nextTick = at + this.gap();
      } else if (this.session.close <= this.nextTick) {
        if (this.session.close > until) return;
        out.push(this.auction(this.session.close, 'close', CLOSING_AUCTION_SIGMA));
        this.session = this.o.session.sessionFrom(this.session.close);
        this.opened = false;
      } else {
        if (this.nextTick > until) return;
        out.push(this.tick(this.nextTick));
        this.nextTick += this.gap();
      }
    }
  }

  private gap(): number {
    return Math.max(1, Math.round(this.rng.exponential(this.o.tickMs)));
  }

  /** Volatility multiplier through the session: 2.5 at the open and the close, 1 at midday. */
  private intraday(t: number): number {
    const { open, close } = this.session;
    if (!Number.isFinite(open) || !Number.isFinite(close)) return 1;
    const u = (t - open) / (close - open);
    return 1 + 1.5 * (2 * u - 1) ** 2;
  }

  private tick(t: number): Tick {
    const years = ((t - this.at) * this.o.speed) / TRADING_YEAR_MS;
    this.at = t;
    const s = this.sigma * this.intraday(t) * Math.sqrt(years);
    this.fair *= Math.exp(s * this.rng.normal() - (s * s) / 2);
    const book = this.book();
    if (this.rng.next() < 0.45) {
      const buy = this.rng.next() < 0.5;
      const size = this.rng.next() < 0.1 ? this.rng.int(1, 99) : 100 * this.rng.int(1, 10);
      return this.traded(t, buy ? book.ask : book.bid, Math.max(1, Math.round(size * this.o.speed)), book);
    }
    return { quote: this.quote(t, book) };
  }

  private auction(t: number, kind: 'open' | 'close', sigma: number): Tick {
    this.at = t;
    this.fair *= Math.exp(sigma * this.rng.normal());
    const book = this.book();
    const tick = this.traded(t, Math.round(this.fair), 100 * this.rng.int(50, 500), book);
    tick.trade!.auction = kind;
    return tick;
  }

  private book() {
    const fair = Math.max(this.fair, 1);
    const spread = Math.max(1, Math.round((fair * this.rng.between(1, 5)) / 10_000));
    const bid = Math.max(1, Math.floor(fair - spread / 2));
    return { bid, ask: bid + spread, bidSize: 100 * this.rng.int(1, 20), askSize: 100 * this.rng.int(1, 20) };
  }

  private traded(t: number, cents: number, size: number, book: ReturnType<SymbolMarket['book']>): Tick {
    this.lastCents = Math.max(1, cents);
    this.lastSize = size;
    return { quote: this.quote(t, book), trade: { symbol: this.symbol, price: price(this.lastCents), size: String(size), at: t } };
  }

  private quote(t: number, b: ReturnType<SymbolMarket['book']>): Quote {
    return {
      symbol: this.symbol,
      bid: price(b.bid),
      bidSize: String(b.bidSize),
      ask: price(b.ask),
      askSize: String(b.askSize),
      last: price(this.lastCents),
      ...(this.lastSize === undefined ? {} : { lastSize: String(this.lastSize) }),
      at: new Date(t).toISOString(),
    };
  }
}

/**
 * A seeded, deterministic market around the instruments' last closes: the same seed, start, speed
 * and instruments give the same ticks, however the time is stepped through.
 */
export class SimulatedMarket {
  private readonly markets: SymbolMarket[];

  constructor(instruments: { symbol: string; lastClose: string }[], o: SimulationOptions) {
    this.markets = [...instruments]
      .sort((a, b) => (a.symbol < b.symbol ? -1 : 1))
      .map((i) => new SymbolMarket(i.symbol, Math.max(1, new Dec(i.lastClose).mul(100).round().toNumber()), o));
  }

  /** Every tick after the previous call up to and including `until`, by time then symbol. */
  advanceTo(until: number): Tick[] {
    const out: Tick[] = [];
    for (const m of this.markets) m.advanceTo(until, out);
    return out.sort((a, b) => a.quote.at.localeCompare(b.quote.at) || (a.quote.symbol < b.quote.symbol ? -1 : a.quote.symbol > b.quote.symbol ? 1 : 0));
  }
}
