/**
 * Bar evaluations per second of the backtester core, in one process, no HTTP or database: an SMA
 * 20/50 crossover over generated daily bars (a seeded geometric random walk in cents), by default
 * 500 instruments × 10 years (2,520 sessions, 1.26 M bars), one backtest per instrument, 10 bps
 * commission and slippage, 95 % of equity per entry.
 *
 * Two shapes of the same 1.26 M bars: one backtest per instrument (the headline), and 10 portfolio
 * backtests of 50 instruments each (the largest a user may run; one cash account, dates merged).
 *
 * Baseline in the same run: the engine as it was before the exact-indicator and speed work (commit
 * 20a485b), copied into ./baseline (engine, indicators, metrics; the spec module is shared). The two
 * engines run alternately, `rounds` times each, so machine load hits both alike. Printed per engine:
 * the median and best round in bars per wall-clock second, and in bars per CPU-second of this
 * process (steadier when other work shares the cores); and how many backtests' trades differ (exact
 * ties now decide crossovers that rounding decided before). Printed figures only; nothing is asserted.
 *   npm run --silent build && node dist/bench/backtest/backtest-throughput.js [instruments=500] [years=10] [rounds=3]
 */
import { runBacktest, type BacktestResult, type StrategySpec, type SymbolBars } from '@alphintra/backtesting';
import { runBacktest as runBaseline } from './baseline/engine';
import * as os from 'node:os';

const INSTRUMENTS = Number(process.argv[2] ?? 500);
const YEARS = Number(process.argv[3] ?? 10);
const ROUNDS = Number(process.argv[4] ?? 3);
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

/** Whole cents, as stored prices arrive (the double nearest each decimal). */
const cents = (x: number) => Math.round(x * 100) / 100;

function generate(symbol: string, seed: number, dates: string[]): SymbolBars {
  const r = rng(seed);
  const n = dates.length;
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  let price = 20 + r() * 200;
  for (let i = 0; i < n; i++) {
    const o = cents(price * (1 + (r() - 0.5) * 0.01));
    price = Math.max(1, price * (1 + (r() - 0.5) * 0.04 + 0.0002));
    const c = cents(price);
    open[i] = o;
    close[i] = c;
    high[i] = cents(Math.max(o, c) * (1 + r() * 0.01));
    low[i] = cents(Math.min(o, c) * (1 - r() * 0.01));
  }
  return { symbol, dates, open, high, low, close };
}

type Engine = (spec: StrategySpec, series: SymbolBars[], params: typeof PARAMS) => BacktestResult;

interface Round {
  wall: number;
  cpu: number;
  results: BacktestResult[];
}

/** One pass over the universe in backtests of `size` instruments; rates in bars per second. */
function round(engine: Engine, universe: SymbolBars[], size: number): Round {
  const results: BacktestResult[] = [];
  let bars = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < universe.length; i += size) {
    const r = engine(SPEC, universe.slice(i, i + size), PARAMS);
    bars += r.bars;
    results.push(r);
  }
  const cpu = process.cpuUsage(c0);
  return { wall: (bars / (performance.now() - t0)) * 1000, cpu: (bars / (cpu.user + cpu.system)) * 1e6, results };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en');

function compare(universe: SymbolBars[], size: number, label: string): void {
  const engines = { baseline: runBaseline as Engine, current: runBacktest };
  const rounds: Record<keyof typeof engines, Round[]> = { baseline: [], current: [] };
  for (let i = 0; i < ROUNDS; i++) for (const name of ['baseline', 'current'] as const) rounds[name].push(round(engines[name], universe, size));
  const last = (name: keyof typeof engines) => rounds[name][ROUNDS - 1]!.results;
  const differ = last('current').filter((r, i) => JSON.stringify(r.trades) !== JSON.stringify(last('baseline')[i]!.trades)).length;
  const trades = last('current').reduce((a, r) => a + r.trades.length, 0);
  const bars = last('current').reduce((a, r) => a + r.bars, 0);
  console.log(`${label}: ${last('current').length} backtests, ${fmt(bars)} bars, ${fmt(trades)} trades`);
  const med = (name: keyof typeof engines, k: 'wall' | 'cpu') => median(rounds[name].map((r) => r[k]));
  for (const name of ['baseline', 'current'] as const) {
    const best = (k: 'wall' | 'cpu') => fmt(Math.max(...rounds[name].map((r) => r[k])));
    console.log(`  ${name.padEnd(8)} median ${fmt(med(name, 'wall'))} bars/s (best ${best('wall')}); per CPU-second median ${fmt(med(name, 'cpu'))} (best ${best('cpu')})`);
  }
  console.log(`  current ÷ baseline (medians): ${(med('current', 'wall') / med('baseline', 'wall')).toFixed(2)}× wall, ${(med('current', 'cpu') / med('baseline', 'cpu')).toFixed(2)}× CPU; backtests whose trades differ: ${differ}`);
}

function main(): void {
  const dates = sessionDates(SESSIONS);
  const universe = Array.from({ length: INSTRUMENTS }, (_, i) => generate(`S${i}`, 1000 + i, dates));
  console.log(`backtest bar evaluations — SMA 20/50 crossover, ${INSTRUMENTS} instruments × ${SESSIONS} sessions, ${ROUNDS} rounds per engine alternating, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}`);
  const warm = universe.slice(0, Math.min(50, INSTRUMENTS));
  for (const engine of [runBaseline as Engine, runBacktest]) {
    round(engine, warm, 1);
    round(engine, warm, warm.length);
  }
  compare(universe, 1, 'one instrument per backtest');
  compare(universe, 50, '50 instruments per backtest');
}

main();
