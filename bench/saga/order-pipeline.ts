/**
 * Orders through the gateway at rising rates with the whole platform running locally:
 * sustained orders/s and submit→filled latency (p50/p95/p99) per rate, PostgreSQL's own
 * single-row-insert commit rate (pgbench) as the ceiling, and each app's peak memory.
 *   node dist/bench/saga/order-pipeline.js [seconds per rate=10] [rates=25,50,100,200]
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_TOPICS, AssessmentApproved, ExecutionReported, OrderFilled, OrderRouted, OrderSubmitted, TOPICS } from '@alphintra/contracts';
import { postgresBinDir, repoRoot, startInfra, stateDir } from '@alphintra/devinfra';
import { APPS, envOf, localSecrets, prepare, startApp, waitReady, type AppName, type PlatformEnv } from '@alphintra/devstack';
import { createKafka, fromMessage } from '@alphintra/platform-messaging';

const SECONDS = Number(process.argv[2] ?? 10);
/** Orders of one account are serialized by design (its cash and counts); the load spreads over many. */
const ACCOUNTS = 20;
const RATES = (process.argv[3] ?? '25,50,100,200').split(',').map(Number);
const ports = Object.fromEntries(APPS.map((a, i) => [a, 38_080 + i])) as Record<AppName, number>;
const gw = `http://127.0.0.1:${ports.gateway}`;
function rssMb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0; // gone; its exit is reported
  }
}
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);

/** CPU seconds (user + system) a process has used, from /proc; 0 once it is gone. */
function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/** PostgreSQL's postmaster of the port and its backends, and Kafka's JVM of the named state, by their command lines. */
function infraPids(pgPort: number, kafkaName: string): { postgres: number[]; kafka: number[] } {
  const procs = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
        const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
        return [{ pid: Number(d), ppid, cmd }];
      } catch {
        return [];
      }
    });
  const postmaster = procs.find((p) => /postgres -D /.test(p.cmd) && p.cmd.includes(`-p ${pgPort} `));
  return {
    postgres: postmaster ? [postmaster.pid, ...procs.filter((p) => p.ppid === postmaster.pid).map((p) => p.pid)] : [],
    kafka: procs.filter((p) => p.cmd.includes('kafka.Kafka') && p.cmd.includes(`/kafka/${kafkaName}`)).map((p) => p.pid),
  };
}

/** The saga's events in order; each hop is one service consuming the previous event and recording the next. */
const HOPS = [OrderSubmitted.type, AssessmentApproved.type, OrderRouted.type, ExecutionReported.type, OrderFilled.type] as const;
type Hop = (typeof HOPS)[number];
const HOP_NAMES = ['risk', 'trading', 'broker', 'trading'];

function hopBreakdown(orders: Partial<Record<Hop, number>>[]): string {
  return HOP_NAMES.map((name, i) => {
    const gaps = orders.flatMap((o) => (o[HOPS[i]] !== undefined && o[HOPS[i + 1]] !== undefined ? [o[HOPS[i + 1]]! - o[HOPS[i]]!] : []));
    return `${HOPS[i].split('.').slice(-1)[0]}→${HOPS[i + 1].split('.').slice(-1)[0]} (${name}) ${pct(gaps, 50)}/${pct(gaps, 99)}`;
  }).join(', ');
}

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

/** Committed transactions so far, summed over the platform's databases (pg_stat_database). */
function commits(pg: { host: string; port: number; user: string; password: string }): number {
  const r = spawnSync(
    join(postgresBinDir(), 'psql'),
    ['-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', 'postgres', '-Atc', "select sum(xact_commit) from pg_stat_database where datname like 'alphintra%'"],
    { env: { ...process.env, PGPASSWORD: pg.password }, encoding: 'utf8' },
  );
  return Number(r.stdout.trim());
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
    // BENCH_CPU_PROF=trading,risk writes V8 CPU profiles of those apps to .local/bench-profiles when they stop.
    const profiled = new Set((process.env.BENCH_CPU_PROF ?? '').split(',').filter(Boolean));
    const profileEnv = (a: AppName) => (profiled.has(a) ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${join(repoRoot(), '.local', 'bench-profiles', a)}` } : {});
    const lines = new Map<AppName, string[]>();
    const keep = (a: AppName) => (l: string) => lines.set(a, [...(lines.get(a) ?? []), l].slice(-20));
    apps.forEach((a, i) => {
      const child = startApp(a, { ...envOf(a, p), ...profileEnv(a) }, i, keep(a));
      child.once('exit', (code, signal) => code !== 0 && signal !== 'SIGTERM' && console.error(`${a} exited (${code ?? signal}):\n${(lines.get(a) ?? []).join('')}`));
      children.set(a, child);
    });
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
    // Each saga event's recording time (CloudEvent time, set in the outbox transaction), per order.
    const stamps = new Map<string, Partial<Record<Hop, number>>>();
    const kafka = createKafka({ brokers: infra.kafka.brokers, clientId: 'bench-saga' });
    const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, maxWaitTimeInMs: 20 });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPICS.tradingOrder, TOPICS.riskAssessment, TOPICS.brokerExecution].map((t) => p.topicPrefix + t), fromBeginning: false });
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ message }) => {
        const e = fromMessage(message);
        if (e.type === OrderFilled.type) filledAt.set(e.subject, Date.now());
        const hop = HOPS.find((h) => h === e.type);
        if (hop) stamps.set(e.subject, { ...stamps.get(e.subject), [hop]: new Date(e.time).getTime() });
      },
    });
    await new Promise((r) => setTimeout(r, 3000));

    console.log(`PostgreSQL ceiling (pgbench, single-row inserts, 8 clients): ${ceiling.toFixed(0)} commits/s`);
    console.log(`topics: ${ALL_TOPICS.length}; apps: ${apps.join(', ')}; ${ACCOUNTS} accounts; ${SECONDS} s per rate`);
    // CPU per order of each process: on a machine this small, the pipeline's capacity is its CPU cost.
    const cpuOfAll = () => {
      const infraNow = infraPids(infra.postgres.port, 'bench-saga');
      const m = new Map<string, number>([...children].map(([a, c]) => [a, cpuSeconds(c.pid!)]));
      m.set('postgres', infraNow.postgres.reduce((t, pid) => t + cpuSeconds(pid), 0));
      m.set('kafka', infraNow.kafka.reduce((t, pid) => t + cpuSeconds(pid), 0));
      m.set('load generator', cpuSeconds(process.pid));
      return m;
    };
    const idleFrom = cpuOfAll();
    await new Promise((r) => setTimeout(r, 5000));
    const idleTo = cpuOfAll();
    console.log(`idle CPU, % of a core: ${[...idleTo].map(([k, v]) => `${k} ${(((v - (idleFrom.get(k) ?? 0)) / 5) * 100).toFixed(1)}`).join(', ')}`);
    for (const rate of RATES) {
      const cpuBefore = cpuOfAll();
      const commitsBefore = commits(infra.postgres);
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
      const cpuAfter = cpuOfAll();
      const commitsPerOrder = (commits(infra.postgres) - commitsBefore) / Math.max(1, done.length);
      const perOrder = [...cpuAfter].map(([k, v]) => [k, ((v - (cpuBefore.get(k) ?? 0)) * 1000) / Math.max(1, done.length)] as const);
      console.log(
        `           CPU ms per order: ${perOrder.map(([k, ms]) => `${k} ${ms.toFixed(1)}`).join(', ')}; total ${perOrder.reduce((t, [, ms]) => t + ms, 0).toFixed(1)}; PostgreSQL commits per order ${commitsPerOrder.toFixed(1)}`,
      );
      console.log(`           per hop, p50/p99 ms (one event recorded → the next recorded): ${hopBreakdown(done.map((id) => stamps.get(id) ?? {}))}`);
    }
    await consumer.disconnect();
    console.log(`peak resident memory: ${[...peak].map(([a, mb]) => `${a} ${mb.toFixed(0)} MB`).join(', ')}`);
  } finally {
    clearInterval(sampler);
    children.forEach((c) => c.kill('SIGTERM'));
    await Promise.all([...children.values()].map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await infra.stop();
  }
}

void main().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
