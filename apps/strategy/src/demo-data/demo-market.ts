import { Dec, formatDecimal } from '@alphintra/money';
import type { Bar } from '../bars/bar-rows';

/** mulberry32: a small, fast, seedable PRNG; the same seed gives the same sequence on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A standard normal variate by Box–Muller. */
const normal = (rand: () => number): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

export interface DemoOptions {
  instruments: number;
  years: number;
  seed: number;
  /** The last session of the data set; fixed, so the data does not depend on the day it is made. */
  end: string;
}

export const DEMO_DEFAULTS: DemoOptions = { instruments: 500, years: 10, seed: 42, end: '2025-12-31' };

export interface DemoInstrument {
  symbol: string;
  name: string;
  exchange: string;
  sector: string;
  industry: string;
  country: string;
  currency: string;
  marketCap: string;
  peRatio: string | null;
}

/** An instrument with its bars and the last-session figures they give. */
export interface DemoSeries {
  instrument: DemoInstrument;
  bars: Bar[];
  lastPrice: string;
  change1dPct: string | null;
  volume: string;
}

const EXCHANGES = [
  { exchange: 'NYSE', country: 'US', currency: 'USD', weight: 30, suffix: ['Inc.', 'Corp.', 'Holdings'] },
  { exchange: 'NASDAQ', country: 'US', currency: 'USD', weight: 30, suffix: ['Inc.', 'Corp.', 'Technologies'] },
  { exchange: 'LSE', country: 'GB', currency: 'GBP', weight: 12, suffix: ['plc', 'Group plc'] },
  { exchange: 'XETRA', country: 'DE', currency: 'EUR', weight: 10, suffix: ['AG', 'SE'] },
  { exchange: 'TSE', country: 'JP', currency: 'JPY', weight: 10, suffix: ['K.K.', 'Holdings'] },
  { exchange: 'TSX', country: 'CA', currency: 'CAD', weight: 8, suffix: ['Inc.', 'Ltd.'] },
] as const;

export const DEMO_SECTORS: Record<string, readonly string[]> = {
  Technology: ['Software', 'Semiconductors', 'IT Services'],
  Healthcare: ['Pharmaceuticals', 'Medical Devices', 'Biotechnology'],
  Financials: ['Banks', 'Insurance', 'Asset Management'],
  Energy: ['Oil & Gas', 'Renewable Energy'],
  'Consumer Discretionary': ['Retail', 'Automobiles', 'Leisure'],
  'Consumer Staples': ['Food Products', 'Beverages', 'Household Products'],
  Industrials: ['Aerospace & Defense', 'Machinery', 'Transportation'],
  Materials: ['Chemicals', 'Metals & Mining'],
  Utilities: ['Electric Utilities', 'Water Utilities'],
  'Real Estate': ['REITs', 'Real Estate Services'],
  'Communication Services': ['Telecom', 'Media', 'Interactive Media'],
};

const HEADS = ['Al', 'Bri', 'Cor', 'Dyn', 'El', 'Fen', 'Gal', 'Hor', 'Ion', 'Jun', 'Kel', 'Lum', 'Mar', 'Nov', 'Or', 'Pra', 'Quan', 'Ros', 'Sol', 'Tor', 'Ul', 'Ver', 'Wex', 'Xan', 'Yor', 'Zen'];
const TAILS = ['tech', 'ex', 'ia', 'on', 'ar', 'is', 'ent', 'ora', 'ium', 'ix', 'ova', 'yte'];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function weighted<T extends { weight: number }>(rand: () => number, items: readonly T[]): T {
  let r = rand() * items.reduce((s, i) => s + i.weight, 0);
  for (const i of items) if ((r -= i.weight) < 0) return i;
  return items[items.length - 1]!;
}

/** Business days (Monday to Friday; no holiday calendar) in the `years` before and including `end`. */
export function sessionDates(end: string, years: number): string[] {
  const last = Date.parse(`${end}T00:00:00Z`);
  const first = last - Math.round(years * 365.25) * 86_400_000 + 86_400_000;
  const dates: string[] = [];
  for (let t = first; t <= last; t += 86_400_000) {
    const day = new Date(t).getUTCDay();
    if (day !== 0 && day !== 6) dates.push(new Date(t).toISOString().slice(0, 10));
  }
  return dates;
}

/** The instruments of a data set, unique symbols, in a fixed order. */
export function demoInstruments(o: Pick<DemoOptions, 'instruments' | 'seed'>): DemoInstrument[] {
  const rand = mulberry32(o.seed);
  const symbols = new Set<string>();
  const sectors = Object.keys(DEMO_SECTORS);
  const out: DemoInstrument[] = [];
  while (out.length < o.instruments) {
    const length = rand() < 0.4 ? 3 : 4;
    const symbol = Array.from({ length }, () => pick(rand, [...LETTERS])).join('');
    if (symbols.has(symbol)) continue;
    symbols.add(symbol);
    const venue = weighted(rand, EXCHANGES);
    const sector = pick(rand, sectors);
    // Skewed towards small companies: 100 million to 3 trillion, log-scale.
    const marketCap = Math.round(Math.exp(Math.log(1e8) + rand() ** 2 * Math.log(3e12 / 1e8)));
    const peRatio = rand() < 0.15 ? null : formatDecimal(new Dec(Math.exp(Math.log(18) + 0.5 * normal(rand)).toFixed(2)), 2);
    out.push({
      symbol,
      name: `${pick(rand, HEADS)}${pick(rand, TAILS)} ${pick(rand, venue.suffix)}`,
      exchange: venue.exchange,
      sector,
      industry: pick(rand, DEMO_SECTORS[sector]!),
      country: venue.country,
      currency: venue.currency,
      marketCap: String(marketCap),
      peRatio,
    });
  }
  return out;
}

/** A seed of its own per instrument, so one instrument's bars do not depend on the others. */
const seriesSeed = (seed: number, symbol: string): number => {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h ^ symbol.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

const cents = (c: number): string => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

/**
 * Daily bars as a geometric random walk. Prices are whole cents from the start (floats only drive
 * the walk), so each bar is exact and consistent: low ≤ open, close ≤ high, low ≥ 0.01.
 */
export function demoSeries(instrument: DemoInstrument, dates: string[], seed: number): DemoSeries {
  const rand = mulberry32(seriesSeed(seed, instrument.symbol));
  const drift = (rand() - 0.4) * 0.0008;
  const sigma = 0.01 + rand() * 0.025;
  const baseVolume = Math.exp(Math.log(1e5) + rand() * Math.log(200));
  let close = Math.max(1, Math.round(Math.exp(Math.log(5) + rand() * Math.log(80)) * 100));
  const bars: Bar[] = [];
  for (const date of dates) {
    const open = Math.max(1, Math.round(close * (1 + 0.3 * sigma * normal(rand))));
    const next = Math.max(1, Math.round(close * Math.exp(drift + sigma * normal(rand))));
    const high = Math.max(open, next) + Math.round(Math.max(open, next) * Math.abs(normal(rand)) * sigma * 0.5);
    const low = Math.max(1, Math.min(open, next) - Math.round(Math.min(open, next) * Math.min(0.5, Math.abs(normal(rand)) * sigma * 0.5)));
    const volume = Math.round(baseVolume * Math.exp(0.4 * normal(rand)));
    bars.push({ date, open: cents(open), high: cents(high), low: cents(low), close: cents(next), volume: String(volume) });
    close = next;
  }
  const last = bars[bars.length - 1]!;
  const previous = bars[bars.length - 2];
  const change = previous ? new Dec(last.close).minus(previous.close).div(previous.close).times(100) : undefined;
  return { instrument, bars, lastPrice: last.close, change1dPct: change ? formatDecimal(change, 4) : null, volume: last.volume };
}
