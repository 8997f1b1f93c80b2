/**
 * Resident memory of each app at idle once the whole platform is up (what the chart's
 * resource requests are set from), and the local Kafka's.
 *   node dist/bench/idle-memory.js [settleSeconds=15]
 */
import { readFileSync } from 'node:fs';
import { startInfra, stateDir } from '@alphintra/devinfra';
import { APPS, envOf, localSecrets, prepare, startApp, waitReady, type AppName } from '@alphintra/devstack';

const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const ports = Object.fromEntries(APPS.map((a, i) => [a, 28_080 + i])) as Record<AppName, number>;

async function main(): Promise<void> {
  const settle = Number(process.argv[2] ?? 15);
  const infra = await startInfra({ name: 'bench-memory', pgPort: 57_532, kafkaPort: 57_192, durable: true }, 'local');
  const p = { infra, topology: 'separate' as const, secrets: localSecrets(stateDir('bench-secrets.json')), ports, extra: { LOG_LEVEL: 'warn' } };
  const children = new Map<AppName, ReturnType<typeof startApp>>();
  try {
    await prepare(p, () => undefined);
    APPS.forEach((a, i) => children.set(a, startApp(a, envOf(a, p), i, () => undefined)));
    await Promise.all(APPS.map((a) => waitReady(`http://127.0.0.1:${ports[a]}/health/ready`, 90_000)));
    await new Promise((r) => setTimeout(r, settle * 1000));
    console.log(`resident memory at idle, ${settle} s after every app was ready:`);
    let total = 0;
    for (const [app, child] of children) {
      const mb = rssMb(child.pid!);
      total += mb;
      console.log(`  ${app.padEnd(13)} ${mb.toFixed(0).padStart(4)} MB`);
    }
    console.log(`  ${'nine apps'.padEnd(13)} ${total.toFixed(0).padStart(4)} MB`);
    const kafkaPid = Number(readFileSync(stateDir('kafka', 'bench-memory', 'kafka.pid'), 'utf8'));
    console.log(`  ${'kafka (JVM)'.padEnd(13)} ${rssMb(kafkaPid).toFixed(0).padStart(4)} MB  (heap capped at -Xmx512m)`);
  } finally {
    for (const c of children.values()) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await infra.stop();
  }
}

void main().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
