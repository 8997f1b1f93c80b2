import { decimalUnits, type DecimalUnits, type Line } from './line';

/**
 * Technical indicators as pure functions over price series.
 *
 * Indicators decide *whether* to trade; money (cash, fills, commission, P&L) stays in `Dec` (see
 * engine.ts). What a rule compares is a `Line` (line.ts), and each indicator states how a tie
 * between two of them is decided:
 *
 * - **SMA** (and Bollinger's middle band): exact. Prices are decimals (numeric(20, 6) in storage), so
 *   each window sum is an integer count of 10^-places units, held exactly while period · max|units|
 *   ≤ 2^53 (at period 1,000: prices up to $90 billion in cents, $9 million with six places). The value is
 *   the double nearest sum / (period · 10^places), and rules break equal doubles by the rationals.
 *   Outside that (values that are not such decimals, or too large) it is a running sum in doubles
 *   with the tolerance below.
 * - **EMA, MACD, Bollinger upper/lower**: doubles, compared with a tolerance of
 *   INEXACT_TOLERANCE (1e-9) × the largest |price| of the series. The rounding error they can
 *   accumulate is below 1e-11 of that (EMA: ≤ (period + 1) ulp, errors decay by 1 − α per bar;
 *   Bollinger: ≤ period ulp in the sum of squares, times k ≤ 10), so rounding never decides a
 *   comparison; exact values closer than the tolerance (0.001 cent at $10,000) are a tie.
 * - **RSI**: computed on integer price changes where prices are decimals (so the first averages
 *   are exact and equal gains and losses give exactly 50), Wilder smoothing in doubles; compared
 *   with a tolerance of 1e-9 × 100 (its error is below 1e-10 RSI points).
 *
 * Every function answers an array as long as its input; positions before the indicator is
 * defined (its warm-up) hold NaN, and a comparison with NaN is false, so no rule fires on them.
 */

export type Series = ArrayLike<number>;

/** Relative tolerance of the inexact indicators (of the largest |price|; of 100 for RSI). */
export const INEXACT_TOLERANCE = 1e-9;

/** Simple moving average: the mean of the last `period` values (see smaLine). */
export function sma(values: Series, period: number): Float64Array {
  return smaLine(values, period).values;
}

/** The SMA as rules compare it: exact window sums in decimal units where the values allow it. */
export function smaLine(values: Series, period: number, units: DecimalUnits | null = decimalUnits(values)): Line & { values: Float64Array } {
  assertPeriod(period);
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  if (units && period * units.maxUnits <= Number.MAX_SAFE_INTEGER) {
    const u = units.units;
    const den = period * units.scale;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (i >= period) sum -= u[i - period]!; // subtract first: the sum never holds period + 1 values
      sum += u[i]!;
      if (i >= period - 1) out[i] = sum / den; // both exact integers: one correctly rounded division
    }
    // The window's sum again, only at a tie (rare): cheaper than keeping every sum.
    const num = (t: number) => {
      let s = 0;
      for (let j = t - period + 1; j <= t; j++) s += u[j]!;
      return BigInt(s);
    };
    return { values: out, exact: { num, den: BigInt(den) }, tolerance: 0 };
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += values[i]!;
    if (i >= period) sum -= values[i - period]!;
    if (i >= period - 1) out[i] = sum / period;
  }
  return { values: out, exact: null, tolerance: INEXACT_TOLERANCE * largest(values) };
}

/**
 * Exponential moving average with α = 2 / (period + 1), seeded with the SMA of the first `period`
 * defined values (exact for decimals, so it is first defined at the same index, and equal to the
 * SMA there). Leading NaNs in the input (the warm-up of an indicator it is applied to, as MACD's
 * signal line is) are skipped.
 */
export function ema(values: Series, period: number): Float64Array {
  assertPeriod(period);
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  let start = 0;
  while (start < n && Number.isNaN(values[start]!)) start++;
  if (n - start < period) return out;
  const first = Array.prototype.slice.call(values, start, start + period) as number[];
  let prev = smaLine(first, period).values[period - 1]!;
  out[start + period - 1] = prev;
  const alpha = 2 / (period + 1);
  for (let i = start + period; i < n; i++) {
    prev = prev + alpha * (values[i]! - prev);
    out[i] = prev;
  }
  return out;
}

/**
 * Relative strength index with Wilder's smoothing: the first average gain/loss is the simple mean
 * of the first `period` changes, then avg = (prev · (period − 1) + current) / period.
 * RSI = 100 − 100 / (1 + avgGain / avgLoss); 100 when there were no losses, 50 without changes.
 * First defined at index `period`. Changes are taken in integer decimal units where the values are
 * decimals (the ratio does not depend on the unit), else in doubles.
 */
export function rsi(values: Series, period = 14, units: DecimalUnits | null = decimalUnits(values)): Float64Array {
  assertPeriod(period);
  const v = units ? units.units : values;
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  if (n <= period) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const d = v[i]! - v[i - 1]!;
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= period;
  loss /= period;
  out[period] = rsiOf(gain, loss);
  for (let i = period + 1; i < n; i++) {
    const d = v[i]! - v[i - 1]!;
    gain = (gain * (period - 1) + (d > 0 ? d : 0)) / period;
    loss = (loss * (period - 1) + (d < 0 ? -d : 0)) / period;
    out[i] = rsiOf(gain, loss);
  }
  return out;
}

const rsiOf = (gain: number, loss: number): number => (loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss));

export interface Macd {
  macd: Float64Array;
  signal: Float64Array;
  histogram: Float64Array;
}

/** MACD line = EMA(fast) − EMA(slow); signal = EMA(signal) of the MACD line; histogram = MACD − signal. */
export function macd(values: Series, fast = 12, slow = 26, signal = 9): Macd {
  if (!(fast < slow)) throw new RangeError('MACD fast period must be below the slow period');
  const f = ema(values, fast);
  const s = ema(values, slow);
  const line = new Float64Array(values.length);
  for (let i = 0; i < line.length; i++) line[i] = f[i]! - s[i]!; // NaN until the slow EMA is defined
  const sig = ema(line, signal);
  const histogram = new Float64Array(values.length);
  for (let i = 0; i < line.length; i++) histogram[i] = line[i]! - sig[i]!;
  return { macd: line, signal: sig, histogram };
}

export interface Bollinger {
  upper: Float64Array;
  middle: Float64Array;
  lower: Float64Array;
}

/** Bollinger bands: SMA(period) ± k · population standard deviation of the same window. */
export function bollinger(values: Series, period = 20, k = 2, units: DecimalUnits | null = decimalUnits(values)): Bollinger & { middleLine: Line } {
  assertPeriod(period);
  const n = values.length;
  const middleLine = smaLine(values, period, units);
  const middle = middleLine.values;
  const upper = new Float64Array(n).fill(NaN);
  const lower = new Float64Array(n).fill(NaN);
  for (let i = period - 1; i < n; i++) {
    const mean = middle[i]!;
    let ss = 0;
    for (let j = i - period + 1; j <= i; j++) {
      const d = values[j]! - mean;
      ss += d * d;
    }
    const sd = Math.sqrt(ss / period);
    upper[i] = mean + k * sd;
    lower[i] = mean - k * sd;
  }
  return { upper, middle, lower, middleLine };
}

/** The largest |value| (NaN skipped): the magnitude an inexact indicator's tolerance is relative to. */
export function largest(values: Series): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]!);
    if (a > m) m = a;
  }
  return m;
}

function assertPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`period must be a positive integer, not ${period}`);
}
