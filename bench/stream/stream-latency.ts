/**
 * Quote → WebSocket client latency through the gateway's `/api/v1/stream` (quotes published by
 * StreamPublisher to Kafka, read by the gateway, fanned out by symbol), with the gateway's CPU
 * and memory; against the same fan-out by a bare `ws` server fed over one WebSocket (no Kafka),
 * measured in the same run. Loopback only; prints figures, asserts nothing.
 *   npm run build && node dist/bench/stream/stream-latency.js [seconds=15] [clients=1000] [symbols=500] [quotesPerSecond=1000] [symbolsPerClient=10]
 * Kafka: a private one on port 57102, or the run's with ALPHINTRA_TEST_INFRA=external and ALPHINTRA_KAFKA_BROKERS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { ALL_TOPICS, QuoteUpdated } from '@alphintra/contracts';
import { startLocalKafka, type KafkaServer } from '@alphintra/devinfra';
import { startApp, waitReady } from '@alphintra/devstack';
import { createKafka, ensureTopics, silentLogger, StreamPublisher } from '@alphintra/platform-messaging';
import { TestTokenIssuer } from '@alphintra/testing';
import { cpuSeconds } from '../gateway/cpu';
import { percentile, StreamClients } from './stream-clients';

const [SECONDS, CLIENTS, SYMBOLS, RATE, PER_CLIENT] = [15, 1_000, 500, 1_000, 10].map((d, i) => Number(process.argv[2 + i] ?? d)) as [number, number, number, number, number];
const WARM_UP_SECONDS = 3;
const PUBLISHER_FLUSH_MS = 5;

const symbolOf = (i: number) => `S${String(i % SYMBOLS).padStart(4, '0')}`;
const symbolsOf = (client: number) => [...Array(PER_CLIENT)].map((_, k) => symbolOf(client * PER_CLIENT + k));
const quote = (symbol: string) => ({ symbol, bid: '100.01', bidSize: '100', ask: '100.03', askSize: '200', last: '100.02', at: new Date().toISOString() });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** kB of a process's resident memory now and at its peak; Linux /proc. */
function memoryOf(pid: number): string {
  const status = (() => {
    try {
      return readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      return '';
    }
  })();
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return `RSS ${(kb('VmRSS') / 1024).toFixed(0)} MB (peak ${(kb('VmHWM') / 1024).toFixed(0)} MB)`;
}

/** Calls `send(n)` so that RATE quotes a second go out on average, round-robin over the symbols, for `seconds`. */
async function drive(seconds: number, send: (symbol: string) => void): Promise<number> {
  const start = Date.now();
  let sent = 0;
  while (Date.now() - start < seconds * 1000) {
    const due = Math.floor(((Date.now() - start) / 1000) * RATE);
    for (; sent < due; sent++) send(symbolOf(sent));
    await sleep(5);
  }
  return sent;
}

interface Measured {
  sent: number;
  clients: StreamClients;
  seconds: number;
}

/** Warm-up, then `SECONDS` of load with latencies recorded, then a short drain. */
let benchCpu = process.cpuUsage();

async function measure(clients: StreamClients, send: (symbol: string) => void, flush: () => Promise<void> = async () => undefined): Promise<Measured> {
  await drive(WARM_UP_SECONDS, send);
  clients.recording = true;
  benchCpu = process.cpuUsage();
  const t0 = Date.now();
  const sent = await drive(SECONDS, send);
  await flush();
  await sleep(1_000);
  clients.recording = false;
  return { sent, clients, seconds: (Date.now() - t0) / 1000 };
}

function report(name: string, m: Measured, extra: string): void {
  const cpu = process.cpuUsage(benchCpu);
  extra += `; this process (clients${name === 'gateway' ? ', publisher' : ', feed'}) ${(((cpu.user + cpu.system) / 1e6 / m.seconds) * 100).toFixed(0)}% of a core`;
  const sorted = m.clients.latenciesMs.sort((a, b) => a - b);
  const expected = m.sent * ((CLIENTS * PER_CLIENT) / SYMBOLS);
  console.log(
    `${name.padEnd(9)} p50 ${percentile(sorted, 50).toFixed(0).padStart(4)} ms  p99 ${percentile(sorted, 99).toFixed(0).padStart(4)} ms  max ${percentile(sorted, 100).toFixed(0).padStart(5)} ms  ` +
      `${(m.sent / SECONDS).toFixed(0)} quotes/s in, ${(sorted.length / m.seconds).toFixed(0)} messages/s out (${sorted.length} of ~${expected.toFixed(0)} expected), ${m.clients.closedEarly} clients dropped; ${extra}`,
  );
}

async function baseline(children: ChildProcess[]): Promise<void> {
  const child = spawn(process.execPath, [join(__dirname, 'raw-fanout.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const port = Number(await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve)));
  const url = `ws://127.0.0.1:${port}`;
  const clients = new StreamClients();
  await clients.open(url, CLIENTS, (i) => [{ action: 'subscribe', quotes: symbolsOf(i) }]);
  const feed = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve) => feed.once('open', resolve));
  const cpu0 = cpuSeconds(child.pid!);
  const m = await measure(clients, (symbol) => feed.send(JSON.stringify({ action: 'publish', data: quote(symbol) })));
  const cpu = ((cpuSeconds(child.pid!)! - cpu0!) / m.seconds) * 100;
  report('raw ws', m, `server CPU ${cpu.toFixed(0)}% of a core, ${memoryOf(child.pid!)}`);
  feed.close();
  await clients.close();
}

async function viaGateway(children: ChildProcess[], brokers: string[]): Promise<void> {
  const prefix = `bench${randomBytes(3).toString('hex')}.`;
  const kafka = createKafka({ brokers, clientId: 'bench-stream' });
  await ensureTopics(kafka, ALL_TOPICS.map((t) => ({ name: prefix + t, partitions: 3, replicationFactor: 1, retentionMs: 3_600_000 })));
  const issuer = await TestTokenIssuer.start();
  // no session is ever revoked here
  const revocations = createServer((_req, res) => res.setHeader('content-type', 'application/json').end('{"items":[],"cursor":"0"}'));
  await new Promise<void>((resolve) => revocations.listen(0, '127.0.0.1', resolve));
  const publisher = new StreamPublisher({ kafka, source: '/alphintra/bench', topicPrefix: prefix, logger: silentLogger, flushIntervalMs: PUBLISHER_FLUSH_MS });
  try {
    const port = await freePort();
    const gateway = startApp(
      'gateway',
      {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        ...issuer.env,
        AUTH_REVOCATIONS_URL: `http://127.0.0.1:${(revocations.address() as { port: number }).port}/internal/v1/revoked-sessions`,
        KAFKA_BROKERS: brokers.join(','),
        KAFKA_TOPIC_PREFIX: prefix,
      },
      0,
    );
    children.push(gateway);
    const base = `http://127.0.0.1:${port}`;
    await waitReady(`${base}/health/live`, 30_000);
    for (let t = Date.now(); !(await (await fetch(`${base}/metrics`)).text()).includes('gateway_stream_subscribed 1'); await sleep(200)) {
      if (Date.now() - t > 60_000) throw new Error('the gateway did not subscribe to Kafka within 60 s');
    }
    const clients = new StreamClients();
    await clients.open(`ws://127.0.0.1:${port}/api/v1/stream`, CLIENTS, (i) => [
      { action: 'auth', token: issuer.token({ userId: randomUUID() }) },
      { action: 'subscribe', quotes: symbolsOf(i) },
    ]);
    const cpu0 = cpuSeconds(gateway.pid!);
    const m = await measure(clients, (symbol) => publisher.publish(QuoteUpdated, symbol, quote(symbol)), () => publisher.flush());
    const cpu = ((cpuSeconds(gateway.pid!)! - cpu0!) / m.seconds) * 100;
    report('gateway', m, `gateway CPU ${cpu.toFixed(0)}% of a core, ${memoryOf(gateway.pid!)}; publisher flushes every ${PUBLISHER_FLUSH_MS} ms (${publisher.published} acknowledged by Kafka, ${publisher.pending} pending, ${publisher.dropped} dropped)`);
    await clients.close();
  } finally {
    await publisher.close();
    revocations.close();
    await issuer.close();
  }
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const external = process.env.ALPHINTRA_TEST_INFRA === 'external' ? process.env.ALPHINTRA_KAFKA_BROKERS?.split(',') : undefined;
  const kafka: KafkaServer | undefined = external ? undefined : await startLocalKafka({ name: 'bench-stream', port: 57_102, fresh: true });
  try {
    console.log(
      `${CLIENTS} clients × ${PER_CLIENT} symbols of ${SYMBOLS}, ${RATE} quotes/s in total, ${SECONDS} s after ${WARM_UP_SECONDS} s warm-up; latency = receipt − the quote's \`at\` (ms clock); ${cpus().length} CPUs, Node ${process.version}; Kafka ${external ? 'shared' : 'private'}`,
    );
    await baseline(children);
    await viaGateway(children, external ?? kafka!.brokers);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await kafka?.stop();
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
