import { Dec, formatDecimal } from '@alphintra/money';
import { runBacktest, type SymbolBars } from './engine';
import { parseStrategySpec, type StrategySpec } from './spec';

/** Ten sessions of (open, close); high/low are the larger/smaller of the two. */
const SESSIONS: [string, number, number][] = [
  ['2024-01-01', 10, 9],
  ['2024-01-02', 9, 11], //   close 11 > 10: entry signal → buy at the next open
  ['2024-01-03', 12, 12], //  buy 10 @ 12 · 1.001 = 12.012
  ['2024-01-04', 12, 13],
  ['2024-01-05', 13, 9], //   close 9 < 10: exit signal → sell at the next open
  ['2024-01-06', 8, 8], //    sell 10 @ 8 · 0.999 = 7.992
  ['2024-01-07', 9, 10.5], // entry signal
  ['2024-01-08', 11, 12], //  buy 10 @ 11 · 1.001 = 11.011
  ['2024-01-09', 12, 14],
  ['2024-01-10', 15, 9], //   exit signal on the last bar: no next open, dropped; the position stays open
];
const bars = (symbol = 'TEST', skip = 0): SymbolBars => {
  const sessions = SESSIONS.slice(skip);
  return {
    symbol,
    dates: sessions.map((s) => s[0]),
    open: sessions.map((s) => s[1]),
    high: sessions.map((s) => Math.max(s[1], s[2])),
    low: sessions.map((s) => Math.min(s[1], s[2])),
    close: sessions.map((s) => s[2]),
  };
};

const spec = (sizing: StrategySpec['sizing']): StrategySpec => ({
  indicators: [],
  entry: { compare: { left: { price: 'close' }, op: '>', right: { value: 10 } } },
  exit: { compare: { left: { price: 'close' }, op: '<', right: { value: 10 } } },
  sizing,
});
const params = { initialCapital: '1000', commissionBps: '10', slippageBps: '10' };

describe('runBacktest', () => {
  it('fills at the next open with slippage, charges commission in bps, and keeps cash and equity exact', () => {
    // Slippage 10 bps: buys pay open · 1.001, sells receive open · 0.999. Commission 10 bps of notional.
    // Trade 1: buy 10 @ 12.012 = 120.12 + 0.12012 commission = 120.24012 → cash 1000 − 120.24012 = 879.75988
    //          sell 10 @ 7.992 = 79.92 − 0.07992 commission = 79.84008 → cash 959.59996; pnl 79.84008 − 120.24012 = −40.40004
    // Trade 2: buy 10 @ 11.011 = 110.11 + 0.11011 = 110.22011 → cash 849.37985; still open at the end (close 9)
    // Equity at each close = cash + 10 · close while long:
    //   1000, 1000, 879.75988 + 120 = 999.75988, + 130 = 1009.75988, + 90 = 969.75988, 959.59996, 959.59996,
    //   849.37985 + 120 = 969.37985, + 140 = 989.37985, + 90 = 939.37985
    const r = runBacktest(spec({ kind: 'fixed_quantity', quantity: '10' }), [bars()], params);
    expect(r.trades).toEqual([
      { symbol: 'TEST', entryDate: '2024-01-03', entryPrice: '12.012', exitDate: '2024-01-06', exitPrice: '7.992', quantity: '10', pnl: '-40.40004' },
    ]);
    expect(r.equityCurve.map((p) => p.equity)).toEqual([
      '1000', '1000', '999.75988', '1009.75988', '969.75988', '959.59996', '959.59996', '969.37985', '989.37985', '939.37985',
    ]);
    expect(r.equityCurve[9]!.date).toBe('2024-01-10');
    expect(r.bars).toBe(10);
    // totalReturn 939.37985 / 1000 − 1; max drawdown from the 1009.75988 peak to 939.37985 = 70.38003 / 1009.75988;
    // exposure: long at the close of 01-03, 04, 05, 08, 09, 10 = 6 of 10 days; win rate 0 of 1 trade.
    expect(r.metrics).toMatchObject({
      totalReturn: '-0.06062015',
      maxDrawdown: formatDecimal(new Dec('70.38003').div('1009.75988'), 8),
      exposure: '0.6',
      winRate: '0',
      trades: 1,
      finalEquity: '939.37985',
    });
    expect(r.metrics.maxDrawdown).toBe('0.06969977') // 70.38003 / 1009.75988 = 0.0696997687…;
    expect(Number(r.metrics.volatility)).toBeGreaterThan(0);
  });

  it('sizes percent_of_equity in whole shares of the previous close equity, commission included', () => {
    // 50 % of 1000 = 500; a share costs 12.012 · 1.001 = 12.024012 with commission → floor(500 / 12.024012) = 41
    // cost 41 · 12.012 = 492.492 + 0.492492 = 492.984492 → equity at the 01-03 close 1000 − 492.984492 + 41 · 12 = 999.015508
    const r = runBacktest(spec({ kind: 'percent_of_equity', percent: '50' }), [bars()], params);
    expect(r.trades[0]!.quantity).toBe('41');
    expect(r.equityCurve[2]!.equity).toBe('999.015508');
  });

  it('writes the same equity text whether it sums in integers (whole shares) or in Dec (a fractional quantity)', () => {
    // Cash with more than 8 places: slippage 0.25 bps, commission 0.37 bps. Buy at 12 · 1.000025 = 12.0003.
    const fine = { initialCapital: '1000', commissionBps: '0.37', slippageBps: '0.25' };
    const curveFor = (quantity: string) => runBacktest(spec({ kind: 'fixed_quantity', quantity }), [bars()], fine).equityCurve.map((p) => p.equity);
    const expected = (quantity: string) => {
      const q = new Dec(quantity);
      const notional = new Dec('12.0003').mul(q);
      const cash = new Dec(1000).minus(notional).minus(notional.mul('0.000037'));
      return [12, 13, 9].map((close) => formatDecimal(cash.plus(q.mul(close)), 8)); // closes of 01-03 … 01-05
    };
    // 41 shares: cash 1000 − 492.0123 − 0.0182044551 = 507.9694955449; + 41 · 12 → 999.9694955449 → 999.96949554
    expect(curveFor('41').slice(2, 5)).toEqual(expected('41'));
    expect(curveFor('41')[2]).toBe('999.96949554');
    expect(curveFor('2.5').slice(2, 5)).toEqual(expected('2.5'));
  });

  it('values an account beyond the exact integer range (≈ $90 million) in Dec, to the same text', () => {
    const small = runBacktest(spec({ kind: 'fixed_quantity', quantity: '10' }), [bars()], params).equityCurve;
    const large = runBacktest(spec({ kind: 'fixed_quantity', quantity: '10' }), [bars()], { ...params, initialCapital: '1000000000000' }).equityCurve;
    expect(large.map((p) => p.equity)).toEqual(small.map((p) => formatDecimal(new Dec(p.equity).plus('999999999000'), 8)));
  });

  it('skips a fixed-quantity entry cash cannot cover', () => {
    const r = runBacktest(spec({ kind: 'fixed_quantity', quantity: '1000' }), [bars()], params);
    expect(r.trades).toEqual([]);
    expect(r.equityCurve.every((p) => p.equity === '1000')).toBe(true);
    expect(r.metrics).toMatchObject({ totalReturn: '0', exposure: '0', winRate: null, sharpe: null });
  });

  it('runs several symbols on one cash account over the union of their dates', () => {
    const r = runBacktest(spec({ kind: 'fixed_quantity', quantity: '10' }), [bars('A'), bars('B', 2)], params);
    expect(r.equityCurve).toHaveLength(10);
    expect(r.bars).toBe(18);
    expect(r.trades.map((t) => t.symbol)).toEqual(['A', 'B']);
  });

  it('computes indicator crosses (SMA 2 crossing SMA 3)', () => {
    const s = parseStrategySpec({
      indicators: [
        { id: 'fast', kind: 'sma', params: { period: 2 } },
        { id: 'slow', kind: 'sma', params: { period: 3 } },
      ],
      entry: { cross: { left: { indicator: 'fast' }, direction: 'above', right: { indicator: 'slow' } } },
      exit: { cross: { left: { indicator: 'fast' }, direction: 'below', right: { indicator: 'slow' } } },
      sizing: { kind: 'fixed_quantity', quantity: '1' },
    });
    if (!s.ok) throw new Error(JSON.stringify(s.errors));
    // closes 9, 11, 12, 13, 9, 8, 10.5, 12, 14, 9
    // fast (SMA2) from 01-02: 10, 11.5, 12.5, 11, 8.5, 9.25, 11.25, 13, 11.5
    // slow (SMA3) from 01-03: 10.667, 12, 11.333, 10, 9.167, 10.167, 12.167, 11.667
    // fast − slow: 01-03 +0.83, 01-04 +0.5, 01-05 −0.33 (cross below: exit, but flat), 01-06 −1.5, 01-07 +0.083 (cross above → buy 01-08 @ 11.011),
    // 01-08 +1.083, 01-09 +0.833, 01-10 −0.167 (cross below on the last bar: dropped)
    const r = runBacktest(s.spec, [bars()], params);
    expect(r.trades).toEqual([]);
    expect(r.equityCurve[9]!.equity).toBe('997.977989'); // 1000 − (11.011 + 0.011011) + 9 = 997.977989
  });
});

describe('parseStrategySpec', () => {
  it('names the path of every semantic error', () => {
    const r = parseStrategySpec({
      indicators: [
        { id: 'm', kind: 'macd', params: { fast: 30 } },
        { id: 'r', kind: 'rsi', params: { period: 1.5, length: 3 } },
      ],
      entry: { all: [{ compare: { left: { indicator: 'r' }, op: '<', right: { value: 30 } } }, { compare: { left: { indicator: 'nope' }, op: '>', right: { indicator: 'm', output: 'upper' } } }] },
      exit: { cross: { left: { indicator: 'm' }, direction: 'below', right: { indicator: 'r', output: 'signal' } } },
      sizing: { kind: 'percent_of_equity', percent: '150' },
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.path).sort()).toEqual(
      [
        'entry.all.1.compare.left.indicator',
        'entry.all.1.compare.right.output',
        'exit.cross.left.output',
        'exit.cross.right.output',
        'indicators.0.params.fast',
        'indicators.1.params.length',
        'indicators.1.params.period',
        'sizing.percent',
      ].sort(),
    );
  });

  it('reports shape errors with their paths and fills in default params', () => {
    const bad = parseStrategySpec({ indicators: [{ id: 'x', kind: 'vwap' }], entry: {}, exit: { any: [] }, sizing: { kind: 'fixed_quantity', quantity: 'ten' } });
    expect(!bad.ok && bad.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['indicators.0.kind', 'sizing.quantity']));
    const ok = parseStrategySpec({ indicators: [{ id: 'r', kind: 'rsi' }], entry: { compare: { left: { indicator: 'r' }, op: '<', right: { value: 30 } } }, exit: { compare: { left: { indicator: 'r' }, op: '>', right: { value: 70 } } }, sizing: { kind: 'fixed_quantity', quantity: '1' } });
    expect(ok.ok && ok.spec.indicators[0]!.params).toEqual({});
  });
});
