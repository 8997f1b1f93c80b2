/**
 * Throughput of the backtester core (@alphintra/backtesting), in-process, no HTTP or database:
 * an SMA 20/50 crossover over generated daily bars (a seeded random walk), by default 500
 * instruments × 10 years (2,520 sessions each, ≈1.26 M bars), one backtest per instrument with
 * 10 bps commission and slippage. Baseline in the same run: the same loop with the indicators
 * and rule inputs computed in Dec instead of doubles (money stays Dec in both), to show what the
 * numbers-for-indicators split buys. Printed figures only; nothing is asserted.
 *   npm run build && node dist/bench/strategy/backtest-throughput.js [instruments=500] [years=10] [baselineInstruments=25]
 */
import { Dec } from '@alphintra/money';
import { runBacktest, type StrategySpec, type SymbolBars } from '@alphintra/backtesting';

const INSTRUMENTS = Number(process.argv[2] ?? 500);
const YEARS = Number(process.argv[3] ?? 10);
const BASELINE_INSTRUMENTS = Number(process.argv[4] ?? 25); // Dec is slow: a sample, reported per bar
const SESSIONS = Math.round(YEARS * 252);
const PARAMS = { initialCapital: '100000', commissionBps: '10', slippageBps: '10' };

const SPEC: StrategySpec = {
  indicators: [
    { id: 'fast', kind: 'sma', params: { period: 20 } },
    { id: 'slow', kind: 'sma', params: { period: 50 } },
  ],
  entry: { cross: { left: { indicator: 'fast' }, direction: 'above', right: { indicator: 'slow' } } },
  exit: { cross: { left: { indicator: 'fast' }, direction: 'below', right: { indicator: 'slow' } } },
  sizing: { kind: 'percent_of_equity', percent: '95' },
};

/** mulberry32: small, fast, seeded. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sessionDates(n: number): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(2016, 0, 4));
  while (out.length < n) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** A geometric random walk rounded to cents, like stored prices. */
function generate(symbol: string, seed: number, dates: string[]): SymbolBars {
  const r = rng(seed);
  const n = dates.length;
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let price = 20 + r() * 200;
  for (let i = 0; i < n; i++) {
    const o = Math.round(price * (1 + (r() - 0.5) * 0.01) * 100) / 100;
    price = Math.max(1, price * (1 + (r() - 0.5) * 0.04 + 0.0002));
    const c = Math.round(price * 100) / 100;
    open[i] = o;
    close[i] = c;
    high[i] = Math.round(Math.max(o, c) * (1 + r() * 0.01) * 100) / 100;
    low[i] = Math.round(Math.min(o, c) * (1 - r() * 0.01) * 100) / 100;
  }
  return { symbol, dates, open, high, low, close };
}

/** The baseline's indicator path: SMA and crossover decisions in Dec, then the same money loop. */
function decBaseline(bars: SymbolBars): number {
  const closes = Array.from(bars.close, (c) => new Dec(c));
  const smaDec = (period: number): (Dec | null)[] => {
    const out: (Dec | null)[] = [];
    let sum = new Dec(0);
    for (let i = 0; i < closes.length; i++) {
      sum = sum.plus(closes[i]!);
      if (i >= period) sum = sum.minus(closes[i - period]!);
      out.push(i >= period - 1 ? sum.div(period) : null);
    }
    return out;
  };
  const fast = smaDec(20);
  const slow = smaDec(50);
  // Decisions from Dec comparisons, fed to the engine as ±1 series so its money path is identical.
  const signal = new Float64Array(closes.length).fill(NaN);
  for (let i = 0; i < closes.length; i++) if (fast[i] && slow[i]) signal[i] = fast[i]!.gt(slow[i]!) ? 1 : -1;
  const spec: StrategySpec = { ...SPEC, indicators: [] };
  const withSignal: SymbolBars = { ...bars, low: signal };
  spec.entry = { cross: { left: { price: 'low' }, direction: 'above', right: { value: 0 } } };
  spec.exit = { cross: { left: { price: 'low' }, direction: 'below', right: { value: 0 } } };
  return runBacktest(spec, [withSignal], PARAMS).bars;
}

function main(): void {
  const dates = sessionDates(SESSIONS);
  const t0 = performance.now();
  const universe = Array.from({ length: INSTRUMENTS }, (_, i) => generate(`S${i}`, 1000 + i, dates));
  const genMs = performance.now() - t0;

  // Warm-up, so the JIT has compiled the hot paths before timing.
  for (let i = 0; i < Math.min(10, INSTRUMENTS); i++) runBacktest(SPEC, [universe[i]!], PARAMS);

  let bars = 0;
  let trades = 0;
  const t1 = performance.now();
  for (const s of universe) {
    const r = runBacktest(SPEC, [s], PARAMS);
    bars += r.bars;
    trades += r.trades.length;
  }
  const numMs = performance.now() - t1;

  const sample = universe.slice(0, Math.min(BASELINE_INSTRUMENTS, INSTRUMENTS));
  decBaseline(sample[0]!);
  let decBars = 0;
  const t2 = performance.now();
  for (const s of sample) decBars += decBaseline(s);
  const decMs = performance.now() - t2;

  const perSec = (n: number, ms: number) => Math.round((n / ms) * 1000);
  const numRate = perSec(bars, numMs);
  const decRate = perSec(decBars, decMs);
  console.log(`backtest throughput — SMA 20/50 crossover, ${INSTRUMENTS} instruments × ${SESSIONS} sessions (${bars.toLocaleString('en')} bars), Node ${process.version}`);
  console.log(`  generated bars in ${genMs.toFixed(0)} ms`);
  console.log(`  indicators in doubles, money in Dec: ${numMs.toFixed(0)} ms, ${numRate.toLocaleString('en')} bars/s, ${trades.toLocaleString('en')} trades`);
  console.log(`  baseline, indicators in Dec (${sample.length} instruments, ${decBars.toLocaleString('en')} bars): ${decMs.toFixed(0)} ms, ${decRate.toLocaleString('en')} bars/s`);
  console.log(`  ratio doubles / Dec: ${(numRate / decRate).toFixed(1)}×`);
}

main();
