/**
 * What concurrent scrypt hashing (auth's cost: N = 2^17, r = 8, 128 MiB) costs in throughput,
 * latency and resident memory, per level of concurrency — what AUTH_PASSWORD_HASH_CONCURRENCY's
 * default is chosen from (ADR 0034). Each level runs in a fresh process so its peak RSS is its own.
 *   node dist/bench/scrypt-concurrency.js [hashesPerLevel=24] [levels=1,2,3,4]
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, scrypt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** apps/auth/src/passwords/password-hash.ts's parameters (apps cannot be imported from here). */
const hashPassword = (password: string) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password, randomBytes(16), 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 }, (e, key) => (e ? reject(e) : resolve(key))),
  );

const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

async function level(concurrency: number, total: number): Promise<void> {
  const base = rssMb();
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 10);
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) {
        const s = performance.now();
        await hashPassword('correct horse battery staple');
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  latencies.sort((a, b) => a - b);
  const q = (f: number) => latencies[Math.min(latencies.length - 1, Math.floor(f * latencies.length))]!.toFixed(0);
  console.log(
    `concurrency ${concurrency}: ${(total / seconds).toFixed(2)} hashes/s, latency p50 ${q(0.5)} ms p95 ${q(0.95)} ms, RSS ${base.toFixed(0)} → peak ${peak.toFixed(0)} MB (+${(peak - base).toFixed(0)})`,
  );
}

const [, script, arg1, arg2] = process.argv;
if (arg1 === '--level') {
  void level(Number(arg2), Number(process.argv[4])).then(() => process.exit(0));
} else {
  const total = Number(arg1 ?? 24);
  console.log(`scrypt N=2^17 r=8 p=1, ${total} hashes per level, UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? 4}`);
  for (const c of (arg2 ?? '1,2,3,4').split(',').map(Number)) {
    process.stdout.write(execFileSync(process.execPath, [script!, '--level', String(c), String(total)], { encoding: 'utf8' }));
  }
}
