import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The market-data benchmarks, short, at the end of `make test` against the run's PostgreSQL and
 * Kafka: figures printed, never asserted (a machine running CI beside them measures its own load as
 * much as the code; bench/README.md has runs on a quiet machine). A benchmark that crashes fails the run.
 */
export const BENCHMARKS: { title: string; args: string[] }[] = [
  { title: 'quote → WebSocket latency, 8 s (1,000 clients × 10 of 500 symbols, 1,000 quotes/s)', args: ['dist/bench/stream/stream-latency.js', '8'] },
  { title: '1-minute bars: insert rate and one year range queries (2 symbols)', args: ['dist/bench/marketdata/intraday-bars.js', '2', '5'] },
];

export async function runBenchmarks(root: string, env: NodeJS.ProcessEnv, logFile: string): Promise<number> {
  let status = 0;
  for (const b of BENCHMARKS) {
    process.stdout.write(`\n\x1b[1m==> benchmark: ${b.title}\x1b[0m\n`);
    const code = await new Promise<number>((resolve) => {
      const fd = openSync(logFile, 'a');
      const child = spawn(process.execPath, b.args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, NODE_NO_WARNINGS: '1' } });
      child.stdout.on('data', (d: Buffer) => (writeSync(fd, d), process.stdout.write(d)));
      child.stderr.on('data', (d: Buffer) => writeSync(fd, d));
      child.on('close', (c) => (closeSync(fd), resolve(c ?? 1)));
    });
    if (code !== 0) process.stdout.write(`benchmark exited with ${code} (see ${join('.local', 'test-results', 'logs', 'benchmarks.log')})\n`);
    status ||= code;
  }
  return status;
}
