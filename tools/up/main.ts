import type { ChildProcess } from 'node:child_process';
import { startInfra, type InfraMode } from '@alphintra/devinfra';
import { TOPOLOGIES, type Topology } from '@alphintra/platform-database';
import { APPS, envOf, localSecrets, prepare, SERVICE_PORTS, startApp, waitReady, type PlatformEnv } from '@alphintra/devstack';

/** `make up`: PostgreSQL, Kafka, provisioning, migrations, then the nine apps; Ctrl-C stops all. */
async function main(): Promise<void> {
  const topology = (process.env.DB_TOPOLOGY ?? 'separate') as Topology;
  if (!TOPOLOGIES.includes(topology)) throw new Error(`DB_TOPOLOGY must be one of ${TOPOLOGIES.join(', ')}`);
  const log = (l: string) => process.stdout.write(`\x1b[1mup\x1b[0m          | ${l}\n`);
  log('starting PostgreSQL and Kafka');
  const infra = await startInfra(
    { name: 'dev', pgPort: Number(process.env.ALPHINTRA_PG_PORT ?? 5433), kafkaPort: Number(process.env.ALPHINTRA_KAFKA_PORT ?? 9092), durable: true },
    (process.env.ALPHINTRA_INFRA as InfraMode | undefined) ?? 'local',
  );
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log('stopping');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : (c.once('exit', r), c.kill('SIGTERM'))))));
    await infra.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    // the simulated feed moves prices at once, also outside market hours; last prices reach trading and the paper venue every 10 s per symbol
    const feed = { MARKET_FEED: 'simulated', MARKET_FEED_ALWAYS_OPEN: 'true', MARKET_PRICE_INTERVAL_MS: '10000' };
    const p: PlatformEnv = { infra, topology, secrets: localSecrets(), demo: { instruments: 500, years: 10 }, extra: feed };
    log(`provisioning (${topology}), topics, migrations, demo data`);
    await prepare(p, log);
    APPS.forEach((app, i) => {
      const child = startApp(app, envOf(app, p), i);
      child.on('exit', (code) => !stopping && log(`${app} exited with ${code}`));
      children.push(child);
    });
    await Promise.all(APPS.map((a) => waitReady(`http://127.0.0.1:${SERVICE_PORTS[a]}/health/ready`, 90_000)));
    log(`all nine apps ready — gateway: http://127.0.0.1:${SERVICE_PORTS.gateway}  (health: /health, Ctrl-C stops everything)`);
  } catch (e) {
    log(`failed: ${(e as Error).message}`);
    await stop(1);
  }
}

void main();
