/**
 * Peak resident memory of auth, user and nocode under load (what the chart's memory limits are set
 * from, ADR 0034; the other apps' peaks come from the order-pipeline and stream benchmarks), and
 * the cost of concurrent password hashing.
 *   node dist/bench/peak-memory.js [seconds=20] [connections=32]
 * Starts the platform (separate topology) like idle-memory, registers users, then for `seconds`
 * keeps `connections` requests in flight against user and nocode (their list and read routes,
 * creating watchlists as it goes) while bursts of 24 logins hit auth; every app's RSS is sampled
 * every 50 ms (VmHWM, the kernel's high-water mark, is printed too).
 */
import { readFileSync } from 'node:fs';
import { startInfra, stateDir } from '@alphintra/devinfra';
import { APPS, envOf, localSecrets, prepare, startApp, waitReady, type AppName } from '@alphintra/devstack';

const status = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8');
const mb = (pid: number, field: 'VmRSS' | 'VmHWM'): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status(pid))![1]) / 1024;
const ports = Object.fromEntries(APPS.map((a, i) => [a, 28_180 + i])) as Record<AppName, number>;
const url = (app: AppName, path: string) => `http://127.0.0.1:${ports[app]}${path}`;

async function call(app: AppName, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(url(app, path), {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}), 'x-forwarded-for': `198.51.100.${1 + Math.floor(Math.random() * 200)}` },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  return { status: r.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 20);
  const connections = Number(process.argv[3] ?? 32);
  const infra = await startInfra({ name: 'bench-peak', pgPort: 57_542, kafkaPort: 57_202, durable: true }, 'local');
  const p = { infra, topology: 'separate' as const, secrets: localSecrets(stateDir('bench-peak-secrets.json')), ports, extra: { LOG_LEVEL: 'warn' } };
  const children = new Map<AppName, ReturnType<typeof startApp>>();
  const peak = new Map<AppName, number>();
  let sampler: NodeJS.Timeout | undefined;
  try {
    await prepare(p, () => undefined);
    APPS.forEach((a, i) => children.set(a, startApp(a, envOf(a, p), i, () => undefined)));
    await Promise.all(APPS.map((a) => waitReady(`http://127.0.0.1:${ports[a]}/health/ready`, 120_000)));
    const sample = () => {
      for (const [app, child] of children) peak.set(app, Math.max(peak.get(app) ?? 0, mb(child.pid!, 'VmRSS')));
    };
    sample();
    const idle = new Map(peak);
    sampler = setInterval(sample, 50);

    const users = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const email = `peak-${Date.now()}-${i}@example.com`;
        const password = 'correct horse battery staple';
        for (;;) {
          const r = await call('auth', 'POST', '/api/v1/auth/register', undefined, { email, password });
          if (r.status === 201) break;
          if (r.status !== 503) throw new Error(`register: ${r.status} ${JSON.stringify(r.body)}`);
          await new Promise((ok) => setTimeout(ok, 500));
        }
        return { email, password };
      }),
    );
    const login = (u: { email: string; password: string }) => call('auth', 'POST', '/api/v1/auth/login', undefined, u);
    const tokens: string[] = [];
    for (const u of users) {
      for (;;) {
        const r = await login(u);
        if (r.status === 200) {
          tokens.push(r.body.accessToken as string);
          break;
        }
        await new Promise((ok) => setTimeout(ok, 300));
      }
    }

    const until = Date.now() + seconds * 1000;
    const counts: Record<string, number> = {};
    const count = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
    const reads: [AppName, string][] = [
      ['user', '/api/v1/users/me/watchlists?limit=50'],
      ['user', '/api/v1/users/me/screeners'],
      ['user', '/api/v1/users/me/preferences'],
      ['nocode', '/api/v1/nocode/templates'],
      ['nocode', '/api/v1/nocode/workflows'],
    ];
    const worker = async (w: number) => {
      for (let i = 0; Date.now() < until; i++) {
        const token = tokens[(w + i) % tokens.length]!;
        if (i % 10 === 0) {
          count(`user POST watchlist ${(await call('user', 'POST', '/api/v1/users/me/watchlists', token, { name: `w-${w}-${i}-${Date.now()}` })).status}`);
        } else {
          const [app, path] = reads[i % reads.length]!;
          count(`${app} GET ${(await call(app, 'GET', path, token)).status}`);
        }
      }
    };
    const logins = async () => {
      while (Date.now() < until) {
        const replies = await Promise.all(Array.from({ length: 24 }, (_, i) => login(users[i % users.length]!)));
        for (const r of replies) count(`auth login ${r.status}`);
      }
    };
    await Promise.all([...Array.from({ length: connections }, (_, w) => worker(w)), logins()]);
    clearInterval(sampler);
    sample();
    console.log(`peak resident memory over ${seconds} s (${connections} connections on user and nocode, bursts of 24 logins on auth):`);
    for (const [app, child] of children) {
      console.log(`  ${app.padEnd(13)} idle ${idle.get(app)!.toFixed(0).padStart(4)} MB  peak ${peak.get(app)!.toFixed(0).padStart(4)} MB  (VmHWM ${mb(child.pid!, 'VmHWM').toFixed(0)} MB)`);
    }
    console.log(`requests: ${JSON.stringify(counts)}`);
  } finally {
    if (sampler) clearInterval(sampler);
    for (const c of children.values()) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await infra.stop();
  }
}

void main().then(() => process.exit(0), (e) => (console.error(e), process.exit(1)));
