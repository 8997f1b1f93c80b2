import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { ALL_TOPICS } from '@alphintra/contracts';
import { repoRoot, stateDir, type Infra } from '@alphintra/devinfra';
import { provision, SERVICES, type ServiceCredentials, type ServiceName, type Topology } from '@alphintra/platform-database';
import { createKafka, ensureTopics } from '@alphintra/platform-messaging';

export const SERVICE_PORTS: Record<ServiceName | 'gateway', number> = {
  gateway: 8080,
  auth: 3001,
  user: 3002,
  strategy: 3003,
  trading: 3004,
  risk: 3005,
  broker: 3006,
  nocode: 3007,
  notification: 3008,
};
export const APPS = ['gateway', ...SERVICES] as const;
export type AppName = (typeof APPS)[number];

export type LocalSecrets = Record<ServiceName, ServiceCredentials> & {
  keys: { authKeyEncryptionKey: string; brokerKek: string; webhookSecret: string; tradingOrderRecordKey: string };
};

export function newSecrets(): LocalSecrets {
  const db = Object.fromEntries(
    SERVICES.map((s) => [s, { ownerPassword: randomBytes(16).toString('hex'), runtimePassword: randomBytes(16).toString('hex') }]),
  ) as Record<ServiceName, ServiceCredentials>;
  return {
    ...db,
    keys: {
      authKeyEncryptionKey: randomBytes(32).toString('base64'),
      brokerKek: randomBytes(32).toString('base64'),
      webhookSecret: randomBytes(32).toString('hex'),
      // an Ed25519 seed: the order record's checkpoint key (ADR 0033)
      tradingOrderRecordKey: randomBytes(32).toString('base64'),
    },
  };
}

/** Local credentials and keys, generated once per checkout and kept in the git-ignored state dir. */
export function localSecrets(file = stateDir('secrets.json')): LocalSecrets {
  const fresh = newSecrets();
  // keys added since the file was written are filled in; existing ones never change
  const stored = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const secrets: LocalSecrets = { ...fresh, ...stored, keys: { ...fresh.keys, ...stored.keys } };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export interface PlatformEnv {
  infra: Infra;
  topology: Topology;
  secrets: LocalSecrets;
  topicPrefix?: string;
  ports?: Partial<Record<AppName, number>>;
  extra?: Record<string, string>;
  /** Demo market data loaded after the migrations (strategy's seed-demo; skipped when data exists). */
  demo?: { instruments: number; years: number };
}

export function envOf(app: AppName, p: PlatformEnv): NodeJS.ProcessEnv {
  const port = (a: AppName) => p.ports?.[a] ?? SERVICE_PORTS[a];
  const common = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port(app)),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    KAFKA_BROKERS: p.infra.kafka.brokers.join(','),
    KAFKA_TOPIC_PREFIX: p.topicPrefix ?? '',
    DB_TOPOLOGY: p.topology,
    AUTH_JWKS_URL: `http://127.0.0.1:${port('auth')}/api/v1/auth/.well-known/jwks.json`,
    AUTH_ISSUER: 'alphintra-auth',
    AUTH_AUDIENCE: 'alphintra',
    AUTH_KEY_ENCRYPTION_KEY: p.secrets.keys.authKeyEncryptionKey,
    BROKER_KEK: p.secrets.keys.brokerKek,
    BROKER_KEK_ID: 'local-1',
    TRADING_ORDER_RECORD_SIGNING_KEY: p.secrets.keys.tradingOrderRecordKey,
    // a local platform's paper venue fills at any hour, as its simulated feed trades at any hour
    // (tests and demos run at night); the default elsewhere is XNYS regular sessions (ADR 0035)
    BROKER_PAPER_HOURS: 'always',
    NOTIFICATION_WEBHOOK_SECRET: p.secrets.keys.webhookSecret,
    // local development delivers webhooks to receivers on this machine (ADR 0004)
    NOTIFICATION_WEBHOOK_ALLOW_PRIVATE: 'true',
    STRATEGY_URL: `http://127.0.0.1:${port('strategy')}`,
    NOCODE_URL: `http://127.0.0.1:${port('nocode')}`,
    ...p.extra,
  };
  if (app === 'gateway') {
    return { ...common, ...Object.fromEntries(SERVICES.map((s) => [`GATEWAY_UPSTREAM_${s.toUpperCase()}`, `http://127.0.0.1:${port(s)}`])) };
  }
  const v = `${app.toUpperCase()}_DATABASE`;
  return {
    ...common,
    [`${v}_HOST`]: p.infra.postgres.host,
    [`${v}_PORT`]: String(p.infra.postgres.port),
    [`${v}_PASSWORD`]: p.secrets[app].runtimePassword,
    [`${v}_OWNER_PASSWORD`]: p.secrets[app].ownerPassword,
  };
}

export async function prepare(p: PlatformEnv, log: (l: string) => void): Promise<void> {
  await provision({
    admin: { ...p.infra.postgres, database: 'postgres' },
    topology: p.topology,
    credentials: p.secrets,
    log,
  });
  await ensureTopics(
    createKafka({ brokers: p.infra.kafka.brokers, clientId: 'alphintra-up' }),
    ALL_TOPICS.map((t) => ({ name: (p.topicPrefix ?? '') + t, partitions: 3, replicationFactor: 1, retentionMs: 604_800_000 })),
  );
  await Promise.all(SERVICES.map((s) => runToEnd(s, ['migrate'], envOf(s, p))));
  if (p.demo) {
    log(`loading demo data (${p.demo.instruments} instruments, ${p.demo.years} years of daily bars)`);
    await runToEnd('strategy', ['seed-demo', '--instruments', String(p.demo.instruments), '--years', String(p.demo.years)], envOf('strategy', p));
  }
}

const mainOf = (app: AppName) => join(repoRoot(), 'dist', 'apps', app, 'src', 'main.js');

function runToEnd(app: AppName, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mainOf(app), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${app} ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

const COLORS = [31, 32, 33, 34, 35, 36, 91, 92, 93, 94];
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** A JSON log line made readable: time, level, message, and the interesting fields. */
export function readable(line: string): string {
  try {
    const { time, level, msg, service: _s, pid: _p, hostname: _h, context, ...rest } = JSON.parse(line);
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    return `${String(time).slice(11, 23)} ${(LEVELS[level] ?? level).padEnd(5)} ${context ? `[${context}] ` : ''}${msg ?? ''}${extra}`;
  } catch {
    return line;
  }
}

/** Starts an app as a child process with its output prefixed by its name; `raw` gets each line as the app wrote it. */
export function startApp(
  app: AppName,
  env: NodeJS.ProcessEnv,
  index: number,
  write: (l: string) => void = (l) => process.stdout.write(l),
  raw?: (line: string) => void,
): ChildProcess {
  const child = spawn(process.execPath, [mainOf(app)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `\x1b[${COLORS[index % COLORS.length]}m${app.padEnd(12)}\x1b[0m| `;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (l) => (raw?.(l), write(`${prefix}${readable(l)}\n`)));
  }
  return child;
}

export async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
      last = `${r.status} ${await r.text()}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms: ${last}`);
}
