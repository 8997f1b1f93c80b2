/**
 * Technical indicators as pure functions over price series.
 *
 * The split between numbers and decimals: indicator maths works on IEEE-754 doubles (`Float64Array`),
 * because an indicator is a statistic of prices used only to decide *whether* to trade — a
 * rounding error in the 15th significant digit of an SMA cannot move money. Everything that is
 * money (cash, equity, fill prices, quantities, commission, P&L) stays in `Dec` (see engine.ts).
 * Doubles make the indicators ~two orders of magnitude faster (bench/strategy/backtest-throughput.ts).
 *
 * Every function answers an array as long as its input; positions before the indicator is
 * defined (its warm-up) hold NaN, and a comparison with NaN is false, so no rule fires on them.
 */

export type Series = ArrayLike<number>;

/** Simple moving average: the mean of the last `period` values, a running sum. */
export function sma(values: Series, period: number): Float64Array {
  assertPeriod(period);
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += values[i]!;
    if (i >= period) sum -= values[i - period]!;
    if (i >= period - 1) out[i] = sum / period;
  }
  return out;
}

/**
 * Exponential moving average with α = 2 / (period + 1), seeded with the SMA of the first `period`
 * defined values (so it is first defined at the same index as the SMA). Leading NaNs in the
 * input (the warm-up of an indicator it is applied to, as MACD's signal line is) are skipped.
 */
export function ema(values: Series, period: number): Float64Array {
  assertPeriod(period);
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  let start = 0;
  while (start < n && Number.isNaN(values[start]!)) start++;
  if (n - start < period) return out;
  let seed = 0;
  for (let i = start; i < start + period; i++) seed += values[i]!;
  let prev = seed / period;
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
 * RSI = 100 − 100 / (1 + avgGain / avgLoss); 100 when there were no losses. First defined at index `period`.
 */
export function rsi(values: Series, period = 14): Float64Array {
  assertPeriod(period);
  const n = values.length;
  const out = new Float64Array(n).fill(NaN);
  if (n <= period) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const d = values[i]! - values[i - 1]!;
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= period;
  loss /= period;
  out[period] = rsiOf(gain, loss);
  for (let i = period + 1; i < n; i++) {
    const d = values[i]! - values[i - 1]!;
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
export function bollinger(values: Series, period = 20, k = 2): Bollinger {
  assertPeriod(period);
  const n = values.length;
  const middle = sma(values, period);
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
  return { upper, middle, lower };
}

function assertPeriod(period: number): void {
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`period must be a positive integer, not ${period}`);
}
