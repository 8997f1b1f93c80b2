/**
 * Orders through the gateway at rising rates with the whole platform running locally:
 * sustained orders/s and submit→filled latency (p50/p95/p99) per rate, PostgreSQL's own
 * single-row-insert commit rate (pgbench) as the ceiling, and each app's peak memory.
 *   node dist/bench/saga/order-pipeline.js [seconds per rate=10] [rates=25,50,100,200]
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_TOPICS, OrderFilled, TOPICS } from '@alphintra/contracts';
import { postgresBinDir, startInfra, stateDir } from '@alphintra/devinfra';
import { APPS, envOf, localSecrets, prepare, startApp, waitReady, type AppName, type PlatformEnv } from '@alphintra/devstack';
import { createKafka, fromMessage } from '@alphintra/platform-messaging';

const SECONDS = Number(process.argv[2] ?? 10);
/** Orders of one account are serialized by design (its cash and counts); the load spreads over many. */
const ACCOUNTS = 20;
const RATES = (process.argv[3] ?? '25,50,100,200').split(',').map(Number);
const ports = Object.fromEntries(APPS.map((a, i) => [a, 38_080 + i])) as Record<AppName, number>;
const gw = `http://127.0.0.1:${ports.gateway}`;
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);

async function json(method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) {
  const r = await fetch(gw + path, { method, headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: (await r.json().catch(() => ({}))) as Record<string, unknown> };
}

function pgbenchCommitsPerSecond(pg: { host: string; port: number; user: string; password: string }): number {
  const bin = postgresBinDir();
  const env = { ...process.env, PGPASSWORD: pg.password };
  const conn = ['-h', pg.host, '-p', String(pg.port), '-U', pg.user];
  spawnSync(join(bin, 'psql'), [...conn, '-d', 'postgres', '-c', 'create table if not exists bench_ceiling (id bigserial primary key, v int)'], { env });
  const script = join(stateDir(), 'pgbench-insert.sql');
  writeFileSync(script, 'insert into bench_ceiling (v) values (1);\n');
  const r = spawnSync(join(bin, 'pgbench'), [...conn, '-n', '-c', '8', '-j', '2', '-T', '5', '-f', script, 'postgres'], { env, encoding: 'utf8' });
  return Number(/tps = ([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
}

async function main(): Promise<void> {
  const infra = await startInfra({ name: 'bench-saga', pgPort: 57_732, kafkaPort: 57_392, durable: true }, 'local');
  const p: PlatformEnv = {
    infra,
    topology: 'separate',
    // kept between runs like the cluster itself (auth's signing keys are sealed with these)
    secrets: localSecrets(stateDir('bench-saga-secrets.json')),
    topicPrefix: `b${Date.now()}.`,
    ports,
    demo: { instruments: 20, years: 1 },
    extra: { LOG_LEVEL: 'warn', RISK_DEFAULT_MAX_OPEN_ORDERS: '1000000', RISK_DEFAULT_MAX_ORDERS_PER_DAY: '1000000', GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000' },
  };
  const apps: AppName[] = ['gateway', 'auth', 'strategy', 'trading', 'risk', 'broker', 'notification'];
  const children = new Map<AppName, ChildProcess>();
  const peak = new Map<AppName, number>();
  const sampler = setInterval(() => children.forEach((c, a) => peak.set(a, Math.max(peak.get(a) ?? 0, rssMb(c.pid!)))), 500);
  try {
    await prepare(p, () => undefined);
    apps.forEach((a, i) => children.set(a, startApp(a, envOf(a, p), i, () => undefined)));
    await Promise.all(apps.map((a) => waitReady(`http://127.0.0.1:${ports[a]}/health/ready`, 90_000)));
    const ceiling = pgbenchCommitsPerSecond(infra.postgres);

    const tokens: string[] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const who = { email: `bench${i}@bench.test`, password: 'bench password 1234' };
      await json('POST', '/api/v1/auth/register', who);
      const login = await json('POST', '/api/v1/auth/login', who);
      if (login.status !== 200) throw new Error(`login ${i}: ${login.status} ${JSON.stringify(login.body)}`);
      const token = String(login.body.accessToken);
      await json('POST', '/api/v1/portfolio/deposits', { amount: '1000000000' }, token);
      tokens.push(token);
    }
    const listed = await json('GET', '/api/v1/instruments?limit=10', undefined, tokens[0]);
    if (listed.status !== 200) throw new Error(`instruments: ${listed.status} ${JSON.stringify(listed.body)}`);
    const symbols = (listed.body.items as { symbol: string }[]).map((i) => i.symbol);
    await new Promise((r) => setTimeout(r, 3000)); // trading learns the symbols from strategy's events

    const submittedAt = new Map<string, number>();
    const filledAt = new Map<string, number>();
    const kafka = createKafka({ brokers: infra.kafka.brokers, clientId: 'bench-saga' });
    const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 20 });
    await consumer.connect();
    await consumer.subscribe({ topic: p.topicPrefix + TOPICS.tradingOrder, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const e = fromMessage(message);
        if (e.type === OrderFilled.type) filledAt.set(e.subject, Date.now());
      },
    });
    await new Promise((r) => setTimeout(r, 3000));

    console.log(`PostgreSQL ceiling (pgbench, single-row inserts, 8 clients): ${ceiling.toFixed(0)} commits/s`);
    console.log(`topics: ${ALL_TOPICS.length}; apps: ${apps.join(', ')}; ${ACCOUNTS} accounts; ${SECONDS} s per rate`);
    for (const rate of RATES) {
      const ids: string[] = [];
      const start = Date.now();
      const inflight: Promise<void>[] = [];
      for (let i = 0; Date.now() - start < SECONDS * 1000; i++) {
        const due = start + (i * 1000) / rate;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        const t0 = Date.now();
        inflight.push(
          json('POST', '/api/v1/orders', { symbol: symbols[i % symbols.length], side: 'buy', type: 'market', quantity: '1', timeInForce: 'day' }, tokens[i % ACCOUNTS], { 'idempotency-key': randomUUID() }).then((r) => {
            if (r.status === 202) {
              ids.push(String(r.body.id));
              submittedAt.set(String(r.body.id), t0);
            }
          }),
        );
      }
      await Promise.all(inflight);
      const deadline = Date.now() + 30_000;
      while (ids.some((id) => !filledAt.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const done = ids.filter((id) => filledAt.has(id));
      const latencies = done.map((id) => filledAt.get(id)! - submittedAt.get(id)!);
      const lastFill = Math.max(...done.map((id) => filledAt.get(id)!));
      console.log(
        `rate ${String(rate).padStart(4)}/s: accepted ${ids.length}, filled ${done.length}, sustained ${(done.length / ((lastFill - start) / 1000)).toFixed(0)} orders/s, ` +
          `submit→filled p50 ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms, p99 ${pct(latencies, 99)} ms`,
      );
    }
    await consumer.disconnect();
    console.log(`peak resident memory: ${[...peak].map(([a, mb]) => `${a} ${mb.toFixed(0)} MB`).join(', ')}`);
  } finally {
    clearInterval(sampler);
    children.forEach((c) => c.kill('SIGTERM'));
    await new Promise((r) => setTimeout(r, 1500));
    await infra.stop();
  }
}

void main().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
