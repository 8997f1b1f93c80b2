/**
 * Latency of a 5-filter screen (3 numeric + 2 categorical) over 10,000 instruments through
 * strategy's HTTP API, with the screen indexes and then without them (the baseline).
 *   npm run build && node dist/bench/strategy/screen-latency.js [instruments=10000] [runs=200]
 * The service runs as its own process from dist (a tool may not import an app), against a
 * private PostgreSQL and Kafka this script starts and stops.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { pgUrl, repoRoot, startInfra } from '@alphintra/devinfra';
import { waitReady } from '@alphintra/devstack';
import { createTestTopics, provisionTestInstallation, testInfra, TestTokenIssuer } from '@alphintra/testing';

const INSTRUMENTS = Number(process.argv[2] ?? 10_000);
const RUNS = Number(process.argv[3] ?? 200);
const WARMUP = 20;
const PORT = 57_633;
const MAIN = join(repoRoot(), 'dist', 'apps', 'strategy', 'src', 'main.js');
const SCREEN_INDEXES = ['market_cap', 'pe_ratio', 'last_price', 'volume', 'change_1d_pct', 'sector', 'exchange', 'country'].map((c) => `stock_${c}_listed_idx`);

function runToEnd(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { ...env, NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`strategy ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

/** The seed's 2 events per instrument leave through the relay; measuring starts once they have. */
async function drainOutbox(owner: Client): Promise<void> {
  for (const until = Date.now() + 120_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
    const { rows } = await owner.query(`select count(*)::int as n from "strategy_data"."outbox" where "sent_at" is null`);
    if (rows[0].n === 0) return;
  }
  throw new Error('the outbox did not drain within 120 s');
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function measure(url: string, headers: Record<string, string>, body: unknown): Promise<{ p50: number; p95: number; mean: number; matches: number }> {
  const once = async () => {
    const t0 = performance.now();
    const r = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await r.json()) as { items: unknown[] };
    if (r.status !== 200) throw new Error(`screen answered ${r.status}: ${JSON.stringify(json)}`);
    return { ms: performance.now() - t0, matches: json.items.length };
  };
  for (let i = 0; i < WARMUP; i++) await once();
  const samples: number[] = [];
  let matches = 0;
  for (let i = 0; i < RUNS; i++) {
    const s = await once();
    samples.push(s.ms);
    matches = s.matches;
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), mean: samples.reduce((a, b) => a + b, 0) / samples.length, matches };
}

async function main(): Promise<void> {
  const infra = await startInfra({ name: 'bench-screen', pgPort: 57_632, kafkaPort: 57_292, durable: false }, 'local');
  process.env.ALPHINTRA_PG_URL = pgUrl(infra.postgres);
  process.env.ALPHINTRA_KAFKA_BROKERS = infra.kafka.brokers.join(',');
  const issuer = await TestTokenIssuer.start();
  let server: ChildProcess | undefined;
  let inst: Awaited<ReturnType<typeof provisionTestInstallation>> | undefined;
  try {
    inst = await provisionTestInstallation('separate', ['strategy']);
    await createTestTopics(inst.topicPrefix, 3);
    const vars = inst.envFor('strategy');
    const env = { ...process.env, ...vars, ...issuer.env, PORT: String(PORT), LOG_LEVEL: 'warn' };
    await runToEnd(['migrate'], env);
    const seeded = performance.now();
    await runToEnd(['seed-demo', '--instruments', String(INSTRUMENTS), '--years', '0.02'], env);
    const seedMs = performance.now() - seeded;
    const owner = new Client({
      host: String(testInfra().admin.host),
      port: Number(testInfra().admin.port),
      database: vars.STRATEGY_DATABASE_NAME,
      user: vars.STRATEGY_DATABASE_OWNER_USER,
      password: vars.STRATEGY_DATABASE_OWNER_PASSWORD,
    });
    await owner.connect();
    await owner.query('analyze "strategy_data"."stock"');
    server = spawn(process.execPath, [MAIN], { env: { ...env, NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'ignore', 'inherit'] });
    const base = `http://127.0.0.1:${PORT}/api/v1`;
    await waitReady(`http://127.0.0.1:${PORT}/health/ready`, 60_000);

    const headers = issuer.bearer();
    const ids = async (kind: string) =>
      Object.fromEntries(((await (await fetch(`${base}/filters/${kind}`, { headers })).json()) as { items: { key: string; id: string }[] }).items.map((f) => [f.key, f.id]));
    const numeric = await ids('numeric');
    const categorical = await ids('categorical');
    const screen = {
      numeric: [
        { filterId: numeric.market_cap, min: '10000000000' },
        { filterId: numeric.price, min: '20', max: '300' },
        { filterId: numeric.volume, min: '500000' },
      ],
      categorical: [
        { filterId: categorical.sector, values: ['Technology', 'Healthcare', 'Financials'] },
        { filterId: categorical.country, values: ['US', 'GB'] },
      ],
      limit: 50,
    };
    // The statement the service builds for this screen (screenSql), to show the plan PostgreSQL picks.
    const sql = `select "symbol", "name", "market_cap"::text from "strategy_data"."stock" s where "status" = 'listed' and "market_cap" >= $1::numeric
      and "last_price" >= $2::numeric and "last_price" <= $3::numeric and "volume" >= $4::bigint and "sector" = any($5::text[]) and "country" = any($6::text[])
      order by s."market_cap" desc, s."symbol" limit 50`;
    const params = ['10000000000', '20', '300', '500000', screen.categorical[0]!.values, screen.categorical[1]!.values];
    const plan = async () => {
      const rows = (await owner.query(`explain (analyze, costs off) ${sql}`, params)).rows.map((r: Record<string, string>) => r['QUERY PLAN']!);
      const scans = rows.filter((l) => /Scan/.test(l)).map((l) => l.trim().replace(/^-> +/, '').replace(/ +\(actual.*$/, ''));
      return `${scans.join('; ')}; ${rows.find((l) => l.startsWith('Execution Time'))}`;
    };
    const [{ n: matching }] = (await owner.query(sql.replace(/^select .* from/s, 'select count(*)::int as n from').replace(/order by .*$/s, ''), params)).rows;
    await drainOutbox(owner);
    const url = `${base}/screens/run`;
    const indexed = await measure(url, headers, screen);
    const indexedPlan = await plan();
    for (const index of SCREEN_INDEXES) await owner.query(`drop index "strategy_data"."${index}"`);
    await owner.query('analyze "strategy_data"."stock"');
    const baseline = await measure(url, headers, screen);
    const baselinePlan = await plan();
    await owner.end();

    const line = (name: string, m: typeof indexed) =>
      `${name.padEnd(26)} p50 ${m.p50.toFixed(2).padStart(6)} ms   p95 ${m.p95.toFixed(2).padStart(6)} ms   mean ${m.mean.toFixed(2).padStart(6)} ms`;
    console.log(`instruments: ${INSTRUMENTS} (demo data, seeded in ${(seedMs / 1000).toFixed(1)} s); screen: 3 numeric + 2 categorical filters, limit 50`);
    console.log(`instruments matching: ${matching} (answer holds ${indexed.matches}); ${RUNS} sequential requests after ${WARMUP} warm-up, HTTP on 127.0.0.1`);
    console.log(line('with screen indexes:', indexed));
    console.log(`  plan: ${indexedPlan}`);
    console.log(line('without (baseline):', baseline));
    console.log(`  plan: ${baselinePlan}`);
    console.log(`ratio baseline / indexed: p50 ${(baseline.p50 / indexed.p50).toFixed(2)}   p95 ${(baseline.p95 / indexed.p95).toFixed(2)}`);
  } finally {
    server?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    await inst?.drop();
    await issuer.close();
    await infra.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
