import { bollinger, ema, macd, rsi, sma } from './indicators';

const round = (xs: ArrayLike<number>, places: number) => Array.from(xs, (x) => (Number.isNaN(x) ? NaN : Number(x.toFixed(places))));

describe('sma', () => {
  it('is the mean of the last N values, NaN during the warm-up', () => {
    // (1+2+3)/3 = 2, (2+3+4)/3 = 3, (3+4+5)/3 = 4, (4+5+9)/3 = 6
    expect(Array.from(sma([1, 2, 3, 4, 5, 9], 3))).toEqual([NaN, NaN, 2, 3, 4, 6]);
  });
});

describe('ema', () => {
  it('is seeded with the SMA of the first N values, then α = 2/(N+1)', () => {
    // N = 3, α = 0.5: seed (2+4+6)/3 = 4; 4 + 0.5·(10−4) = 7; 7 + 0.5·(4−7) = 5.5; 5.5 + 0.5·(6.5−5.5) = 6
    expect(Array.from(ema([2, 4, 6, 10, 4, 6.5], 3))).toEqual([NaN, NaN, 4, 7, 5.5, 6]);
  });

  it('lags a straight line by exactly (N − 1)/2', () => {
    const line = Array.from({ length: 40 }, (_, i) => i);
    const e = ema(line, 9);
    for (let i = 8; i < 40; i++) expect(e[i]).toBeCloseTo(i - 4, 10);
  });
});

describe('rsi (Wilder)', () => {
  // The 14-period example of StockCharts ChartSchool, "Relative Strength Index (RSI)" (cs-rsi.xls),
  // which follows Wilder's "New Concepts in Technical Trading Systems" (1978): the first averages
  // are simple means of 14 changes, then avg = (prev · 13 + current) / 14.
  const closes = [
    44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328, 45.614, 46.282, 46.282, 46.0028, 46.0328, 46.4116,
    46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515, 45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314,
  ];
  const published = [70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87, 45.46, 37.3, 33.08, 37.77];

  it('matches the published table to two places', () => {
    const r = rsi(closes, 14);
    expect(round(r, 2).slice(0, 14).every(Number.isNaN)).toBe(true);
    expect(round(r, 2).slice(14)).toEqual(published);
  });

  it('is 100 without losses and 50 without changes', () => {
    expect(rsi([1, 2, 3, 4], 2)[3]).toBe(100);
    expect(rsi([5, 5, 5, 5], 2)[3]).toBe(50);
  });
});

describe('macd', () => {
  it('is the EMA(12) − EMA(26) spread, signal its EMA(9): 7 on a straight line, histogram 0', () => {
    // EMA(N) of a line lags it by (N − 1)/2, so MACD = (26 − 1)/2 − (12 − 1)/2 = 7 once EMA(26) exists (index 25);
    // the signal (EMA(9) of a constant 7) is 7 from index 25 + 8 = 33.
    const line = Array.from({ length: 60 }, (_, i) => 100 + i);
    const m = macd(line);
    expect(Number.isNaN(m.macd[24]!)).toBe(true);
    expect(m.macd[25]).toBeCloseTo(7, 10);
    expect(Number.isNaN(m.signal[32]!)).toBe(true);
    for (let i = 33; i < 60; i++) {
      expect(m.signal[i]).toBeCloseTo(7, 10);
      expect(m.histogram[i]).toBeCloseTo(0, 10);
    }
  });

  it('is the difference of the two EMAs on any series', () => {
    const xs = [3, 5, 4, 8, 9, 7, 6, 10, 12, 11, 9, 13];
    const m = macd(xs, 3, 5, 2);
    const f = ema(xs, 3);
    const s = ema(xs, 5);
    for (let i = 4; i < xs.length; i++) expect(m.macd[i]).toBeCloseTo(f[i]! - s[i]!, 12);
  });
});

describe('bollinger', () => {
  it('is the SMA ± k · population stdev', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32, /8 = 4, σ = 2 → 5 ± 2·2
    const b = bollinger([2, 4, 4, 4, 5, 5, 7, 9], 8, 2);
    expect([b.lower[7], b.middle[7], b.upper[7]]).toEqual([1, 5, 9]);
    expect(Number.isNaN(b.upper[6]!)).toBe(true);
  });
});
