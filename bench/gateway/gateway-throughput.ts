/**
 * Requests/s and p50/p99 latency of an authenticated GET through the gateway against the same
 * GET straight to the service behind it, in one run; nginx as a plain reverse proxy for
 * reference when it is installed. Gateway, service and nginx are separate processes on
 * 127.0.0.1; the load comes from this one. Prints figures, asserts nothing.
 *   npm run build && node dist/bench/gateway/gateway-throughput.js [seconds=10] [connections=32]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startApp, waitReady } from '@alphintra/devstack';
import { TestTokenIssuer } from '@alphintra/testing';
import { cpuSeconds } from './cpu';
import { load, type LoadResult } from './load';
import { nginxBinary, startNginx } from './nginx';

const SECONDS = Number(process.argv[2] ?? 10);
const CONNECTIONS = Number(process.argv[3] ?? 32);
const WARM_UP_SECONDS = 2;
const MAX_REQUESTS = 5_000_000;
const PATH = '/api/v1/instruments?limit=50';
const SERVICES = ['auth', 'user', 'strategy', 'trading', 'risk', 'broker', 'nocode', 'notification'];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startUpstream(children: ChildProcess[]): Promise<{ port: number; pid: number }> {
  const child = spawn(process.execPath, [join(__dirname, 'upstream.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const line = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { port: Number(line), pid: child.pid! };
}

interface Target {
  name: string;
  url: string;
  /** The proxy process in between, if any, whose CPU per request is printed. */
  proxyPid?: number;
}

const cpuPerRequest = (pid: number | undefined, before: number | undefined, requests: number): string => {
  const after = pid === undefined ? undefined : cpuSeconds(pid);
  return after === undefined || before === undefined ? 'n/a' : `${(((after - before) / requests) * 1e6).toFixed(0)} µs`;
};

async function measure(t: Target, servicePid: number, headers: Record<string, string>): Promise<LoadResult> {
  await load({ url: t.url, headers, connections: CONNECTIONS, seconds: WARM_UP_SECONDS, maxRequests: MAX_REQUESTS });
  const proxyBefore = t.proxyPid === undefined ? undefined : cpuSeconds(t.proxyPid);
  const serviceBefore = cpuSeconds(servicePid);
  const r = await load({ url: t.url, headers, connections: CONNECTIONS, seconds: SECONDS, maxRequests: MAX_REQUESTS });
  const cpu = `CPU/request: ${t.proxyPid === undefined ? '' : `proxy ${cpuPerRequest(t.proxyPid, proxyBefore, r.requests)}, `}service ${cpuPerRequest(servicePid, serviceBefore, r.requests)}`;
  console.log(
    `${t.name.padEnd(8)} ${r.perSecond.toFixed(0).padStart(8)} req/s  p50 ${r.p50Ms.toFixed(2).padStart(6)} ms  p99 ${r.p99Ms.toFixed(2).padStart(6)} ms  ${cpu}  (${r.requests} requests, ${r.errors} not 200)`,
  );
  return r;
}

const compare = (name: string, r: LoadResult, direct: LoadResult) =>
  console.log(`${name}/direct: throughput ${(r.perSecond / direct.perSecond).toFixed(2)}, p50 ${r.p50Ms - direct.p50Ms >= 0 ? '+' : ''}${(r.p50Ms - direct.p50Ms).toFixed(2)} ms, p99 ${r.p99Ms - direct.p99Ms >= 0 ? '+' : ''}${(r.p99Ms - direct.p99Ms).toFixed(2)} ms`);

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  let nginxProxy: ReturnType<typeof startNginx> | undefined;
  const issuer = await TestTokenIssuer.start();
  try {
    const headers = issuer.bearer({ userId: randomUUID() });
    const upstream = await startUpstream(children);
    const upstreamPort = upstream.port;
    const gatewayPort = await freePort();
    const gateway = startApp(
      'gateway',
      {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(gatewayPort),
        LOG_LEVEL: 'warn',
        ...Object.fromEntries(SERVICES.map((s) => [`GATEWAY_UPSTREAM_${s.toUpperCase()}`, `http://127.0.0.1:${upstreamPort}`])),
        ...issuer.env,
        // The limiter still runs on every request; one caller just never reaches the limit.
        GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000000',
      },
      0,
    );
    children.push(gateway);
    await waitReady(`http://127.0.0.1:${gatewayPort}/health/live`, 30_000);

    const nginx = nginxBinary();
    const nginxPort = await freePort();
    nginxProxy = nginx ? startNginx(nginx, nginxPort, upstreamPort) : undefined;
    if (nginxProxy) await waitReady(`http://127.0.0.1:${nginxPort}/health/ready`, 10_000);

    console.log(`GET ${PATH} with a bearer token, ${CONNECTIONS} keep-alive connections, ${SECONDS} s each after ${WARM_UP_SECONDS} s warm-up; ${cpus().length} CPUs, Node ${process.version}`);
    const direct = await measure({ name: 'direct', url: `http://127.0.0.1:${upstreamPort}${PATH}` }, upstream.pid, headers);
    const viaGateway = await measure({ name: 'gateway', url: `http://127.0.0.1:${gatewayPort}${PATH}`, proxyPid: gateway.pid }, upstream.pid, headers);
    const viaNginx = nginxProxy ? await measure({ name: 'nginx', url: `http://127.0.0.1:${nginxPort}${PATH}`, proxyPid: nginxProxy.process.pid }, upstream.pid, headers) : undefined;
    compare('gateway', viaGateway, direct);
    if (viaNginx) compare('nginx', viaNginx, direct);
    else console.log('nginx: not installed, no reference figures (apt-get install -y nginx-light)');
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await nginxProxy?.stop();
    await issuer.close();
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
