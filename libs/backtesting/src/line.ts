import type { Comparison } from './spec';

/**
 * What a rule compares: a series of doubles plus what makes a comparison of two of them safe at a tie.
 *
 * - An **exact** line is a series of decimal rationals `num(t) / den` whose `values[t]` is the
 *   double nearest that rational: prices, constants and SMAs of
 *   decimal prices. Correct rounding is monotonic, so two different doubles are ordered as their
 *   rationals are, and equal rationals are equal doubles; when two doubles are equal the rationals
 *   are compared exactly (cross-multiplied in BigInt), so a decision never depends on rounding.
 * - An **inexact** line (EMA, RSI, MACD, Bollinger bands) carries an absolute `tolerance`: two values
 *   closer than the larger tolerance of the pair compare equal. It is set far above the rounding
 *   error the indicator can accumulate (see indicators.ts), so rounding cannot decide a comparison;
 *   values whose exact difference is inside it are treated as a tie.
 */
export interface Line {
  values: ArrayLike<number>;
  /** The rational behind values[t]; read only at a tie, so it may be computed on demand. */
  exact: { num: (t: number) => bigint; den: bigint } | null;
  tolerance: number;
}

/** The largest power of ten a price is scaled by: stored prices are numeric(20, 6). */
export const MAX_PRICE_PLACES = 6;

/** Decimal values as integers of 10^-places (`units[t] / scale` is the decimal `values[t]` stands for). */
export interface DecimalUnits {
  units: Float64Array;
  scale: number;
  /** The largest |units[t]|. */
  maxUnits: number;
}

const POW10 = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

/**
 * The values as whole multiples of the fewest decimal places (at most MAX_PRICE_PLACES) that
 * represent every one of them: each value must be the double nearest its decimal, as a price parsed
 * from decimal text is. Null when one is not (the result of arithmetic, more places, NaN) or is too
 * large to be held exactly. Leading NaNs (an indicator's warm-up) are not allowed: this is for prices.
 */
export function decimalUnits(values: ArrayLike<number>): DecimalUnits | null {
  const n = values.length;
  let places = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    while (Math.round(v * POW10[places]!) / POW10[places]! !== v) {
      if (++places > MAX_PRICE_PLACES) return null;
    }
  }
  const scale = POW10[places]!;
  const units = new Float64Array(n);
  let maxUnits = 0;
  for (let i = 0; i < n; i++) {
    const u = Math.round(values[i]! * scale);
    if (!Number.isSafeInteger(u)) return null;
    units[i] = u;
    if (Math.abs(u) > maxUnits) maxUnits = Math.abs(u);
  }
  return { units, scale, maxUnits };
}

/** A line of decimal values: exact when they are decimals as `decimalUnits` reads them. */
export function decimalLine(values: ArrayLike<number>, units = decimalUnits(values)): Line {
  if (!units) return { values, exact: null, tolerance: 0 };
  const u = units.units;
  return { values, exact: { num: (t) => BigInt(u[t]!), den: BigInt(units.scale) }, tolerance: 0 };
}

/** A constant as a line as long as the bars. */
export function constantLine(value: number, length: number): Line {
  const u = decimalUnits([value]);
  const num = u && BigInt(u.units[0]!);
  return { values: new Float64Array(length).fill(value), exact: u && { num: () => num!, den: BigInt(u.scale) }, tolerance: 0 };
}

/** The sign of L[t] − R[t] by their exact rationals, for two exact lines whose doubles are equal. */
function exactSign(l: NonNullable<Line['exact']>, r: NonNullable<Line['exact']>, t: number): number {
  const a = l.num(t) * r.den;
  const b = r.num(t) * l.den;
  return a > b ? 1 : a < b ? -1 : 0;
}

/**
 * `L[t] op R[t]`, tie-safe as described above; false where either side is undefined (NaN).
 * The common path is one double comparison; the exact or tolerant branch runs only at a near tie.
 */
export function comparison(L: Line, op: Comparison, R: Line): (t: number) => boolean {
  const a = L.values;
  const b = R.values;
  const le = L.exact;
  const re = R.exact;
  if (le && re && L.tolerance === 0 && R.tolerance === 0) {
    switch (op) {
      case '>':
        return (t) => a[t]! > b[t]! || (a[t] === b[t] && exactSign(le, re, t) > 0);
      case '<':
        return (t) => a[t]! < b[t]! || (a[t] === b[t] && exactSign(le, re, t) < 0);
      case '>=':
        return (t) => a[t]! > b[t]! || (a[t] === b[t] && exactSign(le, re, t) >= 0);
      case '<=':
        return (t) => a[t]! < b[t]! || (a[t] === b[t] && exactSign(le, re, t) <= 0);
    }
  }
  const tol = Math.max(L.tolerance, R.tolerance);
  switch (op) {
    case '>':
      return (t) => a[t]! - b[t]! > tol;
    case '<':
      return (t) => b[t]! - a[t]! > tol;
    case '>=':
      return (t) => a[t]! - b[t]! >= -tol;
    case '<=':
      return (t) => b[t]! - a[t]! >= -tol;
  }
}
