import fc from 'fast-check';
import Decimal from 'decimal.js';
import { compileRule, computeIndicators, type SymbolBars } from './engine';
import { sma } from './indicators';
import { decimalUnits } from './line';
import type { Rule, StrategySpec } from './spec';

/** Enough digits that a mean of cent prices is held exactly or within far less than a double's half ulp. */
const Exact = Decimal.clone({ precision: 100 });

const barsOf = (closes: number[]): SymbolBars => ({
  symbol: 'T',
  dates: closes.map((_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`),
  open: closes,
  high: closes,
  low: closes,
  close: closes,
});

/** The bars on which a rule over SMA(fast) and SMA(slow) holds. */
function firing(closes: number[], rule: (l: { indicator: string }, r: { indicator: string }) => Rule, fast = 2, slow = 4): number[] {
  const spec: StrategySpec = {
    indicators: [
      { id: 'f', kind: 'sma', params: { period: fast } },
      { id: 's', kind: 'sma', params: { period: slow } },
    ],
    entry: rule({ indicator: 'f' }, { indicator: 's' }),
    exit: rule({ indicator: 'f' }, { indicator: 's' }),
    sizing: { kind: 'fixed_quantity', quantity: '1' },
  };
  const bars = barsOf(closes);
  const p = compileRule(spec.entry, bars, computeIndicators(spec, bars));
  return closes.map((_, t) => t).filter(p);
}
const crossAbove = (left: { indicator: string }, right: { indicator: string }): Rule => ({ cross: { left, direction: 'above', right } });
const crossBelow = (left: { indicator: string }, right: { indicator: string }): Rule => ({ cross: { left, direction: 'below', right } });
const above = (left: { indicator: string }, right: { indicator: string }): Rule => ({ compare: { left, op: '>', right } });

/** A naive running sum in doubles, as the SMA was computed before. */
function runningSum(v: number[], p: number): number[] {
  let s = 0;
  return v.map((x, i) => ((s += x - (i >= p ? v[i - p]! : 0)), i >= p - 1 ? s / p : NaN));
}

describe('SMA crossovers at exact ties', () => {
  // Bar 4: SMA2 = 9.925 < SMA4 = 9.9975. Bar 5: SMA2 = (9.9 + 10.09) / 2 = 9.995 = SMA4 = (10.04 + 9.95 + 9.9 + 10.09) / 4.
  const tie = [10.01, 10.1, 10.04, 9.95, 9.9, 10.09];

  it('gives no signal on the bar where SMA 2 equals SMA 4 (a running sum in doubles fired one)', () => {
    const naive2 = runningSum(tie, 2);
    const naive4 = runningSum(tie, 4);
    expect(naive2[5]).toBeGreaterThan(naive4[5]!); // 9.995000000000001 > 9.995: the defect
    expect(sma(tie, 2)[5]).toBe(sma(tie, 4)[5]);
    expect(firing(tie, crossAbove)).toEqual([]);
    expect(firing(tie, above)).toEqual([]);
  });

  it('signals when the last close is one cent higher, and on the bar after a tie that resolves upwards', () => {
    expect(firing([...tie.slice(0, 5), 10.1], crossAbove)).toEqual([5]);
    expect(firing([...tie, 10.2], crossAbove)).toEqual([6]); // 5 is the tie (≤ holds), 6 is above
  });

  it('is symmetric for crosses below', () => {
    const down = tie.map((x) => Math.round((20 - x) * 100) / 100); // mirrored around 10: SMA2 = SMA4 on bar 5 again
    expect(firing(down, crossBelow)).toEqual([]);
    expect(firing([...down.slice(0, 5), 9.9], crossBelow)).toEqual([5]);
  });
});

describe('SMAs closer than a double can tell apart', () => {
  it('are ordered by their exact fractions', () => {
    // Prices of six places near $2 billion (the largest an exact SMA 4 holds): SMA 3 = 2e9 + 1e-6 / 3 and
    // SMA 4 = 2e9 + 1e-6 / 4 round to the same double (spacing 2.4e-7), yet SMA 3 is the larger.
    const closes = [2_000_000_000, 2_000_000_000, 2_000_000_000, 2_000_000_000.000001];
    expect(sma(closes, 3)[3]).toBe(sma(closes, 4)[3]);
    expect(firing(closes, above, 3, 4)).toEqual([3]);
    expect(firing(closes, (l, r) => ({ compare: { left: r, op: '<', right: l } }), 3, 4)).toEqual([3]);
    expect(firing(closes, (l, r) => ({ compare: { left: l, op: '<=', right: r } }), 3, 4)).toEqual([]);
  });
});

const cents = fc.integer({ min: 1, max: 10_000_000 }); // $0.01 … $100,000.00
const toPrice = (c: number) => c / 100; // the double nearest the decimal, as a parsed price is

describe('SMA of decimal prices (property)', () => {
  it('is the double nearest the exact rational mean of every window', () => {
    fc.assert(
      fc.property(fc.array(cents, { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 60 }), (cs, period) => {
        const out = sma(cs.map(toPrice), period);
        for (let i = 0; i < cs.length; i++) {
          if (i < period - 1) expect(out[i]).toBeNaN();
          else {
            const sum = cs.slice(i - period + 1, i + 1).reduce((a, b) => a + b, 0);
            expect(out[i]).toBe(new Exact(sum).div(period * 100).toNumber());
          }
        }
      }),
    );
  });

  it('does not depend on the order of summation: history, direction, a window in any order', () => {
    fc.assert(
      fc.property(fc.array(cents, { minLength: 2, maxLength: 80 }), fc.integer({ min: 1, max: 20 }), fc.nat(), (cs, period, k) => {
        const v = cs.map(toPrice);
        const n = v.length;
        const whole = sma(v, period);
        const skip = k % n;
        const later = sma(v.slice(skip), period); // the running sum starts elsewhere
        const reversed = sma([...v].reverse(), period);
        for (let i = Math.max(period - 1, skip + period - 1); i < n; i++) expect(later[i - skip]).toBe(whole[i]);
        for (let i = period - 1; i < n; i++) {
          expect(reversed[n - 1 - i + period - 1]).toBe(whole[i]);
          const ascending = v.slice(i - period + 1, i + 1).sort((a, b) => a - b);
          expect(sma(ascending, period)[period - 1]).toBe(whole[i]);
          expect(sma(ascending.reverse(), period)[period - 1]).toBe(whole[i]);
        }
      }),
    );
  });
});

describe('rule decisions (property)', () => {
  // Narrow ranges make exact ties between the two SMAs common; wide ones cover large prices.
  const series = fc.oneof(
    fc.array(fc.integer({ min: 1000, max: 1006 }), { minLength: 5, maxLength: 150 }),
    fc.array(fc.integer({ min: 100, max: 1_000_000 }), { minLength: 5, maxLength: 150 }),
  );
  const periods = fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 2, max: 30 })).filter(([a, b]) => a < b);

  it('do not change when every price is shifted by a constant', () => {
    fc.assert(
      fc.property(series, periods, fc.integer({ min: -99, max: 10_000_000 }), (cs, [fast, slow], shift) => {
        const base = cs.map(toPrice);
        const moved = cs.map((c) => toPrice(c + shift));
        for (const rule of [crossAbove, crossBelow, above]) expect(firing(moved, rule, fast, slow)).toEqual(firing(base, rule, fast, slow));
      }),
    );
  });

  it('equal the decisions of exact rational arithmetic', () => {
    fc.assert(
      fc.property(series, periods, (cs, [fast, slow]) => {
        // SMA(fast) vs SMA(slow) by integer cross-multiplication: slow · Σfast vs fast · Σslow.
        const sign = (t: number) => {
          if (t < slow - 1) return NaN;
          const sf = cs.slice(t - fast + 1, t + 1).reduce((a, b) => a + b, 0);
          const ss = cs.slice(t - slow + 1, t + 1).reduce((a, b) => a + b, 0);
          return Math.sign(slow * sf - fast * ss);
        };
        const expected = cs.map((_, t) => t).filter((t) => t > 0 && sign(t - 1) <= 0 && sign(t) > 0);
        expect(firing(cs.map(toPrice), crossAbove, fast, slow)).toEqual(expected);
      }),
    );
  });
});

describe('decimalUnits', () => {
  it('reads prices as integers of the fewest decimal places, and refuses what is not such a decimal', () => {
    expect(decimalUnits([1.5, 2.25, 0.1])).toEqual({ units: Float64Array.from([150, 225, 10]), scale: 100, maxUnits: 225 });
    expect(decimalUnits([123.456789])!.scale).toBe(1_000_000);
    expect(decimalUnits([0.1 + 0.2])).toBeNull(); // 0.30000000000000004
    expect(decimalUnits([1e-7])).toBeNull();
    expect(decimalUnits([NaN])).toBeNull();
  });
});

describe('inexact indicators compare within their tolerance', () => {
  /** The bars on which `rule` holds for a spec with these indicators. */
  const holds = (closes: number[], indicators: StrategySpec['indicators'], rule: Rule): number[] => {
    const spec: StrategySpec = { indicators, entry: rule, exit: rule, sizing: { kind: 'fixed_quantity', quantity: '1' } };
    const bars = barsOf(closes);
    const p = compileRule(rule, bars, computeIndicators(spec, bars));
    return closes.map((_, t) => t).filter(p);
  };
  // A straight line in cents: MACD = EMA(12) − EMA(26) is exactly 7 steps, the signal exactly 7 steps, the histogram exactly 0.
  const line = Array.from({ length: 80 }, (_, i) => Math.round(1000 + 0.07 * 100 * i) / 100);
  const m = [{ id: 'm', kind: 'macd' as const, params: {} }];

  it('MACD: a histogram that is 0 exactly is neither above nor below 0, though its doubles are not all 0', () => {
    const histogram = computeIndicators({ indicators: m, entry: { all: [] }, exit: { all: [] }, sizing: { kind: 'fixed_quantity', quantity: '1' } }, barsOf(line)).get('m')!.histogram!.values;
    expect(Array.from(histogram).some((h) => h !== 0 && !Number.isNaN(h))).toBe(true); // rounding left traces
    expect(holds(line, m, { compare: { left: { indicator: 'm', output: 'histogram' }, op: '>', right: { value: 0 } } })).toEqual([]);
    expect(holds(line, m, { compare: { left: { indicator: 'm', output: 'histogram' }, op: '<', right: { value: 0 } } })).toEqual([]);
    expect(holds(line, m, { cross: { left: { indicator: 'm', output: 'macd' }, direction: 'above', right: { indicator: 'm', output: 'signal' } } })).toEqual([]);
    expect(holds(line, m, { compare: { left: { indicator: 'm', output: 'histogram' }, op: '>=', right: { value: 0 } } })).toHaveLength(80 - 33);
  });

  it('MACD: a cent off the line moves the histogram by far more than the tolerance, and the rule fires', () => {
    const bent = [...line.slice(0, 60), ...line.slice(60).map((x) => Math.round((x + 0.01) * 100) / 100)];
    expect(holds(bent, m, { compare: { left: { indicator: 'm', output: 'histogram' }, op: '>', right: { value: 0 } } })[0]).toBe(60);
  });

  it('EMA: equal to the price on a flat series, and to the SMA it is seeded with', () => {
    const flat = [...Array(30).fill(10.1), 10.11];
    const ind = [{ id: 'e', kind: 'ema' as const, params: { period: 5 } }, { id: 's', kind: 'sma' as const, params: { period: 5 } }];
    expect(holds(flat, ind, { compare: { left: { price: 'close' }, op: '>', right: { indicator: 'e' } } })).toEqual([30]);
    // One cent up moves the EMA (α = 1/3) by 1c / 3 and the SMA by 1c / 5; before it they are equal.
    expect(holds(flat, ind, { compare: { left: { indicator: 'e' }, op: '>', right: { indicator: 's' } } })).toEqual([30]);
    expect(holds(flat, ind, { compare: { left: { indicator: 'e' }, op: '<', right: { indicator: 's' } } })).toEqual([]);
  });

  it('RSI: equal gains and losses are exactly 50', () => {
    const r = [{ id: 'r', kind: 'rsi' as const, params: { period: 4 } }];
    const closes = [10.1, 10.3, 10.2, 10.4, 10.1]; // +0.2, −0.1, +0.2, −0.3: gains 0.4 = losses 0.4
    expect(holds(closes, r, { compare: { left: { indicator: 'r' }, op: '>', right: { value: 50 } } })).toEqual([]);
    expect(holds(closes, r, { compare: { left: { indicator: 'r' }, op: '<', right: { value: 50 } } })).toEqual([]);
    expect(holds(closes, r, { compare: { left: { indicator: 'r' }, op: '>=', right: { value: 50 } } })).toEqual([4]);
  });

  it('Bollinger: a flat window puts the bands on the close; a close exactly on the upper band is not above it', () => {
    const b = (k: number) => [{ id: 'b', kind: 'bollinger' as const, params: { period: 5, k } }];
    const flat = Array(6).fill(10.1);
    const rule = (op: '>' | '<' | '>='): Rule => ({ compare: { left: { price: 'close' }, op, right: { indicator: 'b', output: 'upper' } } });
    expect(holds(flat, b(2), rule('>'))).toEqual([]);
    // 10.1 ×4 and 10.11: mean 10.102, σ = √((4 · 0.002² + 0.008²) / 5) = 0.004, upper = 10.102 + 2 · 0.004 = 10.11 = the close.
    const up = [...flat.slice(0, 5), 10.11];
    expect(holds(up, b(2), rule('>'))).toEqual([]);
    expect(holds(up, b(2), rule('<'))).toEqual([]);
    expect(holds(up, b(2), rule('>='))).toEqual([4, 5]);
    expect(holds(up, b(1.5), rule('>'))).toEqual([5]); // upper = 10.108
    expect(holds(flat, b(2), { compare: { left: { price: 'close' }, op: '<=', right: { indicator: 'b', output: 'middle' } } })).toEqual([4, 5]);
  });
});
