import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { GenericContainer, StartedTestContainer } from 'testcontainers';
import { KAFKA_VERSION, type KafkaServer } from './kafka';
import type { PostgresServer } from './postgres';

/**
 * PostgreSQL 15 and Kafka 3.9 (KRaft) in containers started by Testcontainers (ADR 0029): on a
 * Docker engine, or on podman through `podman system service`.
 *
 * Images: `localhost/alphintra-postgres:15` and `localhost/alphintra-kafka:<version>` when the
 * engine has them (tools/containers/test-images.sh builds them without a registry), otherwise
 * the official `postgres:15` and `apache/kafka:<version>`, pulled. Both pairs share one contract
 * (POSTGRES_* variables; KAFKA_* variables and /etc/kafka/docker/run), so the code is the same.
 * ALPHINTRA_TC_POSTGRES_IMAGE / ALPHINTRA_TC_KAFKA_IMAGE name others.
 */

/** The podman service tools/containers/env.sh starts for the tests: its own socket, never a service someone else started with other settings. */
export const PODMAN_SOCKET = process.env.PODMAN_SOCKET ?? '/run/alphintra/podman.sock';
const LOCAL_IMAGES = { postgres: 'localhost/alphintra-postgres:15', kafka: `localhost/alphintra-kafka:${KAFKA_VERSION}` };
const OFFICIAL_IMAGES = { postgres: 'postgres:15', kafka: `apache/kafka:${KAFKA_VERSION}` };
const PG_PASSWORD = 'alphintra-container-admin';
const KAFKA_READY = 'Kafka Server started';
const STARTUP_TIMEOUT_MS = 120_000;

/**
 * Without DOCKER_HOST or /var/run/docker.sock, but with podman's API socket: the environment
 * Testcontainers needs there (no Ryuk: its image cannot be had without a registry; containers
 * carry `alphintra.owner-pid` instead and tools/containers/tc-cleanup.sh removes orphans).
 */
export function usePodmanIfNoDocker(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.DOCKER_HOST || existsSync('/var/run/docker.sock') || !existsSync(PODMAN_SOCKET)) return false;
  env.DOCKER_HOST = `unix://${PODMAN_SOCKET}`;
  env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
  return true;
}

type Images = { postgres: string; kafka: string };
let chosenImages: Promise<Images> | undefined;

/** The images to start: named by env, else the local builds where present, else the official ones. */
export function containerImages(): Promise<Images> {
  chosenImages ??= (async () => {
    const { getContainerRuntimeClient, ImageName } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    const pick = async (what: keyof Images, env: string | undefined) =>
      env ?? ((await client.image.exists(ImageName.fromString(LOCAL_IMAGES[what]))) ? LOCAL_IMAGES[what] : OFFICIAL_IMAGES[what]);
    return {
      postgres: await pick('postgres', process.env.ALPHINTRA_TC_POSTGRES_IMAGE),
      kafka: await pick('kafka', process.env.ALPHINTRA_TC_KAFKA_IMAGE),
    };
  })();
  return chosenImages;
}

/** Published ports on the loopback address only, labelled with the process that owns the container. */
async function container(image: string): Promise<GenericContainer> {
  const { GenericContainer } = await import('testcontainers');
  class LoopbackContainer extends GenericContainer {
    override withExposedPorts(...ports: Parameters<GenericContainer['withExposedPorts']>): this {
      super.withExposedPorts(...ports);
      for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as { HostIp?: string }[][]) {
        for (const b of bindings) b.HostIp = '127.0.0.1';
      }
      return this;
    }
  }
  return new LoopbackContainer(image).withLabels({ 'alphintra.owner-pid': String(process.pid) }).withStartupTimeout(STARTUP_TIMEOUT_MS);
}

async function start(c: GenericContainer, image: string): Promise<StartedTestContainer> {
  try {
    return await c.start();
  } catch (e) {
    const hint = image.startsWith('localhost/')
      ? ''
      : ` (without a registry, build the local images first: tools/containers/test-images.sh; see ADR 0029)`;
    throw new Error(`starting ${image} failed${hint}: ${(e as Error).message}`, { cause: e });
  }
}

/** 'localhost' may resolve to ::1 first while the ports are published on 127.0.0.1. */
const hostOf = (c: StartedTestContainer): string => (c.getHost() === 'localhost' ? '127.0.0.1' : c.getHost());

export async function startContainerPostgres(): Promise<PostgresServer> {
  usePodmanIfNoDocker();
  const { Wait } = await import('testcontainers');
  const image = (await containerImages()).postgres;
  const c = await start(
    (await container(image))
      .withExposedPorts(5432)
      .withEnvironment({ POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: PG_PASSWORD, POSTGRES_DB: 'postgres' })
      .withCommand(['postgres', '-c', 'max_connections=400', '-c', 'shared_buffers=256MB', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'])
      .withSharedMemorySize(512 * 1024 * 1024)
      // TCP, not the socket: the official image's init-time server listens on its socket only
      .withWaitStrategy(Wait.forSuccessfulCommand('pg_isready -q -h 127.0.0.1 -p 5432 -U postgres')),
    image,
  );
  return { host: hostOf(c), port: c.getMappedPort(5432), user: 'postgres', password: PG_PASSWORD, stop: async () => void (await c.stop()) };
}

/** Resolves once `text` has appeared `times` times in the container's log since `since` (seconds), or rejects after `ms`. */
async function logLine(c: StartedTestContainer, text: string, times: number, since: number, ms: number): Promise<void> {
  const stream: Readable = await c.logs({ since });
  await new Promise<void>((resolve, reject) => {
    let tail = '';
    let seen = 0;
    const timer = setTimeout(() => done(new Error(`Kafka container did not log "${text}" within ${ms} ms; last output:\n${tail}`)), ms);
    const done = (e?: Error) => {
      clearTimeout(timer);
      stream.destroy();
      if (e) reject(e);
      else resolve();
    };
    stream.on('data', (d: Buffer | string) => {
      const chunk = tail.slice(-(text.length - 1)) + String(d);
      seen += chunk.split(text).length - 1;
      tail = (tail + String(d)).slice(-4000);
      if (seen >= times) done();
    });
    stream.on('error', (e: Error) => done(e));
    stream.on('end', () => done(new Error(`Kafka container stopped before "${text}"; last output:\n${tail}`)));
  });
}

/**
 * The broker advertises the host's mapped port, known only once the container runs: it starts
 * with a shell that waits for /tmp/alphintra-kafka.sh, which is written then (as
 * @testcontainers/kafka does for Confluent's images; this one follows apache/kafka's contract).
 * The host-facing listener is on 9092, the port both images EXPOSE: podman lists an exposed
 * port without a binding in PortBindings, and Testcontainers then waits for it to be bound.
 */
export async function startContainerKafka(): Promise<KafkaServer> {
  usePodmanIfNoDocker();
  const { Wait } = await import('testcontainers');
  const image = (await containerImages()).kafka;
  const script = '/tmp/alphintra-kafka.sh';
  const waiting = 'alphintra: waiting for the start script';
  const t0 = Math.floor(Date.now() / 1000) - 1;
  const c = await start(
    (await container(image))
      .withExposedPorts(9092)
      .withEnvironment({
        CLUSTER_ID: '4L6g3nShT-eMCtK--X86sw',
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,BROKER://0.0.0.0:9093,CONTROLLER://0.0.0.0:9094',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'BROKER:PLAINTEXT,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9094',
        KAFKA_LOG_DIRS: '/tmp/kafka-data',
        KAFKA_NUM_PARTITIONS: '3',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '10',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_HEAP_OPTS: '-Xmx512m -Xms256m',
      })
      .withEntrypoint(['sh'])
      .withCommand(['-c', `echo '${waiting}'; while [ ! -f ${script} ]; do sleep 0.1; done; exec sh ${script}`])
      .withWaitStrategy(Wait.forLogMessage(waiting)),
    image,
  );
  const host = hostOf(c);
  const port = c.getMappedPort(9092);
  await c.copyContentToContainer([
    { content: `export KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://${host}:${port},BROKER://localhost:9093\nexec /etc/kafka/docker/run\n`, target: script, mode: 0o755 },
  ]);
  try {
    await logLine(c, KAFKA_READY, 1, t0, STARTUP_TIMEOUT_MS);
  } catch (e) {
    await c.stop().catch(() => undefined);
    throw e;
  }
  let starts = 1;
  return {
    brokers: [`${host}:${port}`],
    stop: async () => void (await c.stop()),
    restart: async () => {
      await c.restart();
      await logLine(c, KAFKA_READY, ++starts, t0, STARTUP_TIMEOUT_MS);
    },
  };
}

export async function dockerAvailable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}
