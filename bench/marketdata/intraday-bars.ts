/**
 * 1-minute bars in strategy's month-partitioned `intraday_bar` (ADR 0025): the insert rate of a
 * generated year of 1Min bars for a number of symbols, in batches of 1,000 rows as the runtime role
 * (the statement the feed uses), and the latency of one symbol's one-year range query (every 1Min bar,
 * and the same year as 1H bars). Baseline in the same run: the same rows and queries on an
 * unpartitioned table with the same columns, key, foreign key and checks.
 *   npm run build && node dist/bench/marketdata/intraday-bars.js [symbols=10] [runs=20]
 * Uses the PostgreSQL of ALPHINTRA_PG_URL when set, else starts a private one (no Kafka is needed).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { pgUrl, repoRoot, startInfra } from '@alphintra/devinfra';
import { provisionTestInstallation, testInfra } from '@alphintra/testing';

const SYMBOLS = Number(process.argv[2] ?? 10);
const RUNS = Number(process.argv[3] ?? 20);
const BATCH = 1000;
const MAIN = join(repoRoot(), 'dist', 'apps', 'strategy', 'src', 'main.js');

function migrate(env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'migrate'], { env: { ...env, NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`strategy migrate exited ${code}: ${err}`))));
  });
}

/** Regular sessions (14:30–21:00 UTC, weekdays) of the 12 months before the current one. */
function yearOfMinutes(): { from: Date; to: Date; minutes: number[] } {
  const now = new Date();
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const from = new Date(Date.UTC(now.getUTCFullYear() - 1, now.getUTCMonth(), 1));
  const minutes: number[] = [];
  for (let d = from.getTime(); d < to.getTime(); d += 86_400_000) {
    const wd = new Date(d).getUTCDay();
    if (wd === 0 || wd === 6) continue;
    for (let m = 0; m < 390; m++) minutes.push(d + (14 * 60 + 30 + m) * 60_000);
  }
  return { from, to, minutes };
}

/** A deterministic walk in whole cents per symbol. */
function* bars(symbols: string[], minutes: number[]) {
  for (const [i, symbol] of symbols.entries()) {
    let cents = 10_000 + i * 1_000;
    const batch = [];
    for (const [j, t] of minutes.entries()) {
      const open = cents;
      cents = Math.max(100, cents + (((j * 7919 + i * 104729) % 41) - 20));
      const hi = Math.max(open, cents) + (j % 5);
      const lo = Math.min(open, cents) - (j % 3);
      const c = (x: number) => (x / 100).toFixed(2);
      batch.push({ symbol, start: t, open: c(open), high: c(hi), low: c(lo), close: c(cents), volume: 1000 + (j % 997) });
      if (batch.length === BATCH) yield batch.splice(0);
    }
    if (batch.length) yield batch;
  }
}

const insertSql = (table: string) => `insert into "strategy_data"."${table}" ("symbol", "start", "open", "high", "low", "close", "volume")
  select r."symbol", to_timestamp(r."start" / 1000.0), r."open", r."high", r."low", r."close", r."volume"
  from jsonb_to_recordset($1::jsonb) as r("symbol" text, "start" bigint, "open" numeric, "high" numeric, "low" numeric, "close" numeric, "volume" bigint)`;

const minuteSql = (table: string) => `select "start", "open"::text, "high"::text, "low"::text, "close"::text, "volume"::text from "strategy_data"."${table}"
  where "symbol" = $1 and "start" >= $2 and "start" < $3 order by "start"`;
const hourSql = (table: string) => `select date_bin(interval '60 minutes', "start", timestamptz '2000-01-01 00:00Z') as "start",
  (array_agg("open" order by "start"))[1]::text, max("high")::text, min("low")::text, (array_agg("close" order by "start" desc))[1]::text, sum("volume")::text
  from "strategy_data"."${table}" where "symbol" = $1 and "start" >= $2 and "start" < $3 group by 1 order by 1`;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function timed(c: Client, sql: string, params: unknown[]): Promise<{ p50: number; p95: number; rows: number }> {
  let rows = 0;
  await c.query(sql, params);
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    rows = (await c.query(sql, params)).rowCount ?? 0;
    ms.push(performance.now() - t0);
  }
  return { p50: pct(ms, 50), p95: pct(ms, 95), rows };
}

async function main(): Promise<void> {
  if (!process.env.ALPHINTRA_PG_URL) {
    const infra = await startInfra({ name: 'bench-bars', pgPort: 57_652, kafkaPort: 57_312, durable: false }, 'local');
    process.env.ALPHINTRA_PG_URL = pgUrl(infra.postgres);
    process.env.ALPHINTRA_KAFKA_BROKERS = infra.kafka.brokers.join(',');
  }
  const inst = await provisionTestInstallation('separate', ['strategy']);
  try {
    const vars = inst.envFor('strategy');
    await migrate({ ...process.env, ...vars, LOG_LEVEL: 'warn' });
    const connect = async (user: string, password: string) => {
      const c = new Client({ host: String(testInfra().admin.host), port: Number(testInfra().admin.port), database: vars.STRATEGY_DATABASE_NAME, user, password });
      await c.connect();
      return c;
    };
    const owner = await connect(vars.STRATEGY_DATABASE_OWNER_USER!, vars.STRATEGY_DATABASE_OWNER_PASSWORD!);
    const runtime = await connect(vars.STRATEGY_DATABASE_USER!, vars.STRATEGY_DATABASE_PASSWORD!);
    const symbols = Array.from({ length: SYMBOLS }, (_, i) => `BAR${i}`);
    await owner.query(`insert into "strategy_data"."stock" ("symbol", "name", "exchange", "currency", "market_cap") select s, s, 'NASDAQ', 'USD', 1 from unnest($1::text[]) s`, [symbols]);
    await owner.query(`create table "strategy_data"."intraday_bar_flat" (like "strategy_data"."intraday_bar" including all,
      foreign key ("symbol") references "strategy_data"."stock" ("symbol"))`);
    const { from, to, minutes } = yearOfMinutes();
    const total = SYMBOLS * minutes.length;
    console.log(`${SYMBOLS} symbols × ${minutes.length} 1Min bars (252-ish weekdays × 390 minutes, ${from.toISOString().slice(0, 10)} to ${to.toISOString().slice(0, 10)}) = ${total} rows per table; batches of ${BATCH}`);

    const inserts: Record<string, number> = {};
    for (const table of ['intraday_bar_flat', 'intraday_bar']) {
      const t0 = performance.now();
      for (const batch of bars(symbols, minutes)) await runtime.query(insertSql(table), [JSON.stringify(batch)]);
      inserts[table] = total / ((performance.now() - t0) / 1000);
      await owner.query(`analyze "strategy_data"."${table}"`);
    }
    const parts = (await owner.query(`select count(*)::int as n from pg_inherits where inhparent = '"strategy_data"."intraday_bar"'::regclass`)).rows[0].n;
    const size = async (t: string) => (await owner.query(`select pg_size_pretty(sum(pg_total_relation_size(c))) as s from (select $1::regclass as c union all select inhrelid::regclass from pg_inherits where inhparent = $1::regclass) x`, [`"strategy_data"."${t}"`])).rows[0].s;
    console.log(`insert rate  partitioned (${parts} partitions): ${Math.round(inserts.intraday_bar!)} rows/s (${await size('intraday_bar')})   unpartitioned: ${Math.round(inserts.intraday_bar_flat!)} rows/s (${await size('intraday_bar_flat')})`);

    const params = [symbols[Math.min(3, SYMBOLS - 1)]!, from, to]; // BAR3, or the last one of fewer symbols
    for (const [name, sql] of [['1Min, one year', minuteSql], ['1H, one year', hourSql]] as const) {
      const p = await timed(runtime, sql('intraday_bar'), params);
      const f = await timed(runtime, sql('intraday_bar_flat'), params);
      console.log(`${name.padEnd(15)} partitioned p50 ${p.p50.toFixed(1)} ms p95 ${p.p95.toFixed(1)} ms (${p.rows} rows)   unpartitioned p50 ${f.p50.toFixed(1)} ms p95 ${f.p95.toFixed(1)} ms (${f.rows} rows); ${RUNS} runs`);
    }
    const month = [params[0], new Date(to.getTime() - 31 * 86_400_000), to];
    const p = await timed(runtime, minuteSql('intraday_bar'), month);
    const f = await timed(runtime, minuteSql('intraday_bar_flat'), month);
    console.log(`1Min, last 31 d partitioned p50 ${p.p50.toFixed(1)} ms p95 ${p.p95.toFixed(1)} ms (${p.rows} rows)   unpartitioned p50 ${f.p50.toFixed(1)} ms p95 ${f.p95.toFixed(1)} ms`);
    await owner.end();
    await runtime.end();
  } finally {
    await inst.drop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
