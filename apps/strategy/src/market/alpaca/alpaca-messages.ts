import { Dec, formatDecimal } from '@alphintra/money';
import type { MarketBar } from '../bar-aggregator';
import type { Quote } from '../simulated-market';

/** Messages of Alpaca's market data stream v2 (`T` is the kind), as far as this feed reads them. */
export interface AlpacaTrade {
  T: 't';
  S: string;
  p: number;
  s: number;
  t: string;
}
export interface AlpacaQuote {
  T: 'q';
  S: string;
  bp: number;
  bs: number;
  ap: number;
  as: number;
  t: string;
}
export interface AlpacaBar {
  T: 'b';
  S: string;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  t: string;
}
export type AlpacaData = AlpacaTrade | AlpacaQuote | AlpacaBar;
export type AlpacaControl = { T: 'success'; msg: string } | { T: 'error'; code: number; msg: string } | { T: 'subscription'; [channel: string]: unknown };

const SYMBOL = /^[A-Z][A-Z0-9.-]{0,14}$/;

/** A price as the platform's decimal string (6 places, as stored); undefined for anything but a positive finite number. */
export function price(v: unknown, allowZero = false): string | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || (n === 0 && !allowZero) || n >= 1e14) return undefined;
  return formatDecimal(new Dec(n), 6);
}

export function size(v: unknown): string | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : undefined;
}

/** RFC 3339 with up to nanoseconds (`2024-01-02T14:30:00.123456789Z`) to epoch ms. */
export function instant(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(t) ? undefined : t;
}

const symbolOf = (v: unknown) => (typeof v === 'string' && SYMBOL.test(v) ? v : undefined);

export function tradeOf(m: AlpacaTrade): { symbol: string; price: string; size: string; at: number } | undefined {
  const symbol = symbolOf(m.S);
  const p = price(m.p);
  const s = size(m.s);
  const at = instant(m.t);
  return symbol && p && s && at !== undefined ? { symbol, price: p, size: s, at } : undefined;
}

/** A quote needs the last trade price of its symbol (the platform's quote carries it); without one it is not published. */
export function quoteOf(m: AlpacaQuote, last: { price: string; size?: string } | undefined): Quote | undefined {
  const symbol = symbolOf(m.S);
  const [bid, ask] = [price(m.bp, true), price(m.ap, true)];
  const [bidSize, askSize] = [size(m.bs), size(m.as)];
  const at = instant(m.t);
  if (!symbol || !bid || !ask || !bidSize || !askSize || at === undefined || !last) return undefined;
  return { symbol, bid, bidSize, ask, askSize, last: last.price, ...(last.size ? { lastSize: last.size } : {}), at: new Date(at).toISOString() };
}

/** A 1-minute bar (stream `b` or a REST page's bar, which carries no `S`). */
export function barOf(m: Omit<AlpacaBar, 'T' | 'S'>, symbol: string): MarketBar | undefined {
  const [open, high, low, close] = [price(m.o), price(m.h), price(m.l), price(m.c)];
  const volume = size(m.v);
  const start = instant(m.t);
  if (!symbolOf(symbol) || !open || !high || !low || !close || !volume || start === undefined || start % 60_000 !== 0) return undefined;
  const [o, h, l, c] = [open, high, low, close].map((p) => new Dec(p));
  if (h!.lt(Dec.max(o!, c!, l!)) || l!.gt(Dec.min(o!, c!))) return undefined;
  return { symbol, timeframe: '1Min', start, open, high, low, close, volume };
}
