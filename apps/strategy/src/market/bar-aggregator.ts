import type { Timeframe } from '@alphintra/contracts';
import { Dec, formatDecimal } from '@alphintra/money';

/** One bar as it travels: prices and volume as decimal strings, `start` in epoch ms. */
export interface MarketBar {
  symbol: string;
  timeframe: Timeframe;
  start: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export const TIMEFRAME_MS: Record<Exclude<Timeframe, '1D'>, number> = { '1Min': 60_000, '5Min': 300_000, '15Min': 900_000, '1H': 3_600_000 };

/** What a bar is built from: a trade (open = high = low = close = its price) or a shorter bar. */
export interface BarPiece {
  symbol: string;
  at: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export const tradePiece = (t: { symbol: string; price: string; size: string; at: number }): BarPiece => ({
  symbol: t.symbol,
  at: t.at,
  open: t.price,
  high: t.price,
  low: t.price,
  close: t.price,
  volume: t.size,
});

interface Building {
  start: number;
  open: string;
  high: Dec;
  low: Dec;
  close: string;
  volume: Dec;
}

/**
 * Bars of one timeframe from time-ordered pieces, per symbol: a bar closes when a piece of a later
 * interval arrives or the clock passes its end. Intervals without a piece have no bar.
 */
export class BarAggregator {
  private readonly open = new Map<string, Building>();
  private readonly ms: number;

  constructor(readonly timeframe: Exclude<Timeframe, '1D'>) {
    this.ms = TIMEFRAME_MS[timeframe];
  }

  add(p: BarPiece): MarketBar[] {
    const start = p.at - (p.at % this.ms);
    const b = this.open.get(p.symbol);
    const closed: MarketBar[] = [];
    if (b && b.start !== start) {
      closed.push(this.bar(p.symbol, b));
      this.open.delete(p.symbol);
    }
    const cur = this.open.get(p.symbol);
    if (!cur) {
      this.open.set(p.symbol, { start, open: p.open, high: new Dec(p.high), low: new Dec(p.low), close: p.close, volume: new Dec(p.volume) });
    } else {
      cur.high = Dec.max(cur.high, p.high);
      cur.low = Dec.min(cur.low, p.low);
      cur.close = p.close;
      cur.volume = cur.volume.add(p.volume);
    }
    return closed;
  }

  /** The bars whose interval ended at or before `t`. */
  closeUntil(t: number): MarketBar[] {
    const closed: MarketBar[] = [];
    for (const [symbol, b] of this.open) {
      if (b.start + this.ms > t) continue;
      closed.push(this.bar(symbol, b));
      this.open.delete(symbol);
    }
    return closed;
  }

  private bar(symbol: string, b: Building): MarketBar {
    return { symbol, timeframe: this.timeframe, start: b.start, open: b.open, high: formatDecimal(b.high), low: formatDecimal(b.low), close: b.close, volume: b.volume.toFixed(0) };
  }
}

export const barPiece = (b: MarketBar): BarPiece => ({ ...b, at: b.start });

/** 1Min bars from trades and 5Min, 15Min and 1H bars from those, each closing as the clock passes. */
export class BarSeries {
  private readonly minute = new BarAggregator('1Min');
  private readonly higher = (['5Min', '15Min', '1H'] as const).map((tf) => new BarAggregator(tf));

  trade(p: BarPiece): MarketBar[] {
    return this.cascade(this.minute.add(p));
  }

  /** A stored 1Min bar, as replay feeds them. */
  minuteBar(b: MarketBar): MarketBar[] {
    return [b, ...this.higher.flatMap((h) => h.add(barPiece(b)))];
  }

  closeUntil(t: number): MarketBar[] {
    return [...this.cascade(this.minute.closeUntil(t)), ...this.higher.flatMap((h) => h.closeUntil(t))];
  }

  private cascade(minuteBars: MarketBar[]): MarketBar[] {
    return minuteBars.flatMap((b) => this.minuteBar(b));
  }
}
