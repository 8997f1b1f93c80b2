import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BacktestParams, SymbolBars } from './engine';
import type { Metrics } from './metrics';

/**
 * One symbol's bars as comma-separated columns (dates ascending, prices as shortest round-trip
 * decimal text): a whole backtest's bars arrive as a few strings, so the caller's event loop does
 * no per-bar work; the thread parses them.
 */
export interface PackedBars {
  symbol: string;
  dates: string;
  open: string;
  high: string;
  low: string;
  close: string;
}

export interface ThreadJob {
  /** The stored spec, parsed again in the thread. */
  spec: unknown;
  bars: PackedBars[];
  params: BacktestParams;
}

export function unpackBars(p: PackedBars): SymbolBars {
  const column = (text: string) => Float64Array.from(text.split(','), Number);
  return { symbol: p.symbol, dates: p.dates.split(','), open: column(p.open), high: column(p.high), low: column(p.low), close: column(p.close) };
}

export interface ThreadResult {
  metrics: Metrics;
  trades: number;
  tradesJson: string;
  equityCurveJson: string;
  bars: number;
}

export type ThreadAnswer = ({ ok: true } & ThreadResult) | { ok: false; message: string };

export interface ThreadOptions {
  /** Wall time from starting the thread to its answer; past it the thread is terminated. */
  timeBudgetMs: number;
  maxMemoryMb?: number;
}

export class BacktestOverBudgetError extends Error {
  override name = 'BacktestOverBudgetError';
  constructor(readonly budgetMs: number) {
    super(`the backtest did not finish within its time budget of ${budgetMs / 1000} s; try fewer symbols, a shorter range or simpler rules`);
  }
}

/**
 * The compiled entry next to this module (the build in dist/), else the TypeScript source through
 * SWC's register hook (Jest runs the sources, and a worker thread does not go through Jest's transform).
 */
function threadEntry(): { file: string; execArgv: string[]; env: NodeJS.ProcessEnv } {
  const compiled = join(__dirname, 'backtest-thread.entry.js');
  if (existsSync(compiled)) return { file: compiled, execArgv: [], env: process.env };
  const root = join(__dirname, '../../..');
  return { file: join(__dirname, 'backtest-thread.entry.ts'), execArgv: ['-r', '@swc-node/register'], env: { ...process.env, SWC_NODE_PROJECT: join(root, 'tsconfig.json') } };
}

/**
 * Runs one backtest in a worker thread of its own, so the CPU-heavy part (parsing the bars, the
 * indicators and rules, serialising the result) never blocks the caller's event loop. A thread
 * per job keeps the budget simple to enforce: past it, the thread is terminated wherever it is.
 */
export function runBacktestInThread(job: ThreadJob, o: ThreadOptions): Promise<ThreadResult> {
  return new Promise((resolve, reject) => {
    const entry = threadEntry();
    const worker = new Worker(entry.file, { execArgv: entry.execArgv, env: entry.env, resourceLimits: { maxOldGenerationSizeMb: o.maxMemoryMb ?? 512 } });
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      done();
    };
    const timer = setTimeout(() => settle(() => reject(new BacktestOverBudgetError(o.timeBudgetMs))), o.timeBudgetMs);
    worker.once('message', (a: ThreadAnswer) => settle(() => (a.ok ? resolve({ metrics: a.metrics, trades: a.trades, tradesJson: a.tradesJson, equityCurveJson: a.equityCurveJson, bars: a.bars }) : reject(new Error(a.message)))));
    worker.once('error', (e: Error & { code?: string }) =>
      settle(() => reject(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`the backtest needed more than ${o.maxMemoryMb ?? 512} MB; try fewer symbols or a shorter range`) : e)),
    );
    worker.once('exit', (code) => settle(() => reject(new Error(`the backtest thread exited with code ${code} before answering`))));
    worker.postMessage(job);
  });
}
