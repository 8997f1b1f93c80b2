import { BacktestOverBudgetError, runBacktestInThread, unpackBars, type PackedBars } from './backtest-thread';
import { runBacktest, type SymbolBars } from './engine';
import { parseStrategySpec } from './spec';

const SPEC = {
  indicators: [{ id: 'fast', kind: 'sma', params: { period: 5 } }],
  entry: { cross: { left: { price: 'close' }, direction: 'above', right: { indicator: 'fast' } } },
  exit: { cross: { left: { price: 'close' }, direction: 'below', right: { indicator: 'fast' } } },
  sizing: { kind: 'percent_of_equity', percent: '50' },
};
const params = { initialCapital: '10000', commissionBps: '5', slippageBps: '5' };

/** A deterministic zigzag with drift. */
function series(symbol: string, n: number): SymbolBars {
  const close = Float64Array.from({ length: n }, (_, i) => 100 + i * 0.01 + 5 * Math.sin(i / 3));
  const open = Float64Array.from(close, (c, i) => (i ? close[i - 1]! : c));
  const dates = Array.from({ length: n }, (_, i) => new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
  return { symbol, dates, open, high: Float64Array.from(close, (c, i) => Math.max(c, open[i]!)), low: Float64Array.from(close, (c, i) => Math.min(c, open[i]!)), close };
}

const packed = (s: SymbolBars): PackedBars => ({ symbol: s.symbol, dates: s.dates.join(','), open: Array.from(s.open).join(','), high: Array.from(s.high).join(','), low: Array.from(s.low).join(','), close: Array.from(s.close).join(',') });

describe('unpackBars', () => {
  it('reads every double back exactly from its shortest decimal text', () => {
    const s = series('A', 500);
    expect(unpackBars(packed(s))).toEqual(s);
  });
});

describe('runBacktestInThread', () => {
  it('answers what the engine answers inline, with trades and the equity curve as JSON', async () => {
    const parsed = parseStrategySpec(SPEC);
    if (!parsed.ok) throw new Error('the test spec is invalid');
    const inline = runBacktest(parsed.spec, [series('A', 300), series('B', 300)], params);
    const threaded = await runBacktestInThread({ spec: SPEC, bars: [packed(series('A', 300)), packed(series('B', 300))], params }, { timeBudgetMs: 60_000 });
    expect(inline.trades.length).toBeGreaterThan(5);
    expect(threaded).toEqual({
      metrics: inline.metrics,
      trades: inline.trades.length,
      tradesJson: JSON.stringify(inline.trades),
      equityCurveJson: JSON.stringify(inline.equityCurve),
      bars: 600,
    });
  });

  it('rejects with the spec errors of an invalid spec', async () => {
    await expect(runBacktestInThread({ spec: { ...SPEC, indicators: [] }, bars: [packed(series('A', 10))], params }, { timeBudgetMs: 60_000 })).rejects.toThrow(
      /strategy spec is invalid: entry\.cross\.right\.indicator names no indicator/,
    );
  });

  it('terminates a backtest over its time budget and says so', async () => {
    const started = Date.now();
    const run = runBacktestInThread({ spec: SPEC, bars: Array.from({ length: 20 }, (_, i) => packed(series(`S${i}`, 20_000))), params }, { timeBudgetMs: 1 });
    await expect(run).rejects.toBeInstanceOf(BacktestOverBudgetError);
    await expect(run).rejects.toThrow('the backtest did not finish within its time budget of 0.001 s');
    // terminated, not awaited: a bound far above a thread's start even on a loaded machine (5 s flaked at load 20)
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
