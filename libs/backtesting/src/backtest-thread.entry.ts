import { parentPort } from 'node:worker_threads';
import { runBacktest } from './engine';
import { parseStrategySpec } from './spec';
import { unpackBars, type ThreadAnswer, type ThreadJob } from './backtest-thread';

/** The worker thread's side: one job in, one answer out; the runner ends the thread after it. */
parentPort!.once('message', (job: ThreadJob) => {
  let answer: ThreadAnswer;
  try {
    const parsed = parseStrategySpec(job.spec);
    if (!parsed.ok) throw new Error(`strategy spec is invalid: ${parsed.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
    const r = runBacktest(parsed.spec, job.bars.map(unpackBars), job.params);
    // Serialised here, not on the service's event loop.
    answer = { ok: true, metrics: r.metrics, trades: r.trades.length, tradesJson: JSON.stringify(r.trades), equityCurveJson: JSON.stringify(r.equityCurve), bars: r.bars };
  } catch (e) {
    answer = { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(answer);
});
