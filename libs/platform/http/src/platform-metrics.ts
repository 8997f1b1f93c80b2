import type { MikroORM } from '@mikro-orm/postgresql';
import { Counter, Gauge } from 'prom-client';
import { dlqOf } from '@alphintra/contracts';
import type { ConsumerObserver, KafkaOffsets, PartitionLag, RelayObserver } from '@alphintra/platform-messaging';
import { metricsRegistry } from './metrics';

/** What one service in this process reports at scrape time. */
export interface MetricsSource {
  service: string;
  groupId: string;
  outbox(): Promise<{ pending: number; oldestAgeSeconds: number }>;
  lag(): Promise<PartitionLag[]>;
  deadLetters(): Promise<{ topic: string; messages: number }[]>;
}

/** A scrape waits this long for the database or Kafka; what is not there by then is left out. */
export const METRICS_PROBE_TIMEOUT_MS = 1_500;

const sources = new Set<MetricsSource>();
const registers = [metricsRegistry];

const probeFailures = new Counter({
  name: 'metrics_probe_failures_total',
  help: 'Scrape-time measurements that failed or timed out (database or Kafka unreachable or slow), by probe',
  labelNames: ['probe'],
  registers,
});

interface Run<T> {
  result: Promise<T>;
  failed: boolean;
}

const inFlightRuns = new WeakMap<MetricsSource, Map<string, Run<unknown>>>();

/**
 * One probe of a source at a time: a scrape that finds the previous one still running waits for
 * that instead of starting another, so a hung database or broker never piles up queries. A run
 * that fails or outlasts the timeout counts once in `metrics_probe_failures_total`.
 */
async function probe<T>(name: string, source: MetricsSource, start: () => Promise<T>): Promise<T | undefined> {
  const running = inFlightRuns.get(source) ?? inFlightRuns.set(source, new Map()).get(source)!;
  let run = running.get(name) as Run<T> | undefined;
  if (!run) {
    const r: Run<T> = { result: start().finally(() => running.delete(name)), failed: false };
    running.set(name, (run = r));
  }
  const failed = () => {
    if (!run.failed) probeFailures.inc({ probe: name });
    run.failed = true;
    return undefined;
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, METRICS_PROBE_TIMEOUT_MS, 'timeout')));
  try {
    const value = await Promise.race([run.result, timeout]);
    return value === 'timeout' ? failed() : value;
  } catch {
    return failed();
  } finally {
    clearTimeout(timer);
  }
}

const eachSource = <T>(name: string, of: (s: MetricsSource) => Promise<T>, use: (s: MetricsSource, v: T) => void) =>
  Promise.all(
    [...sources].map(async (s) => {
      const v = await probe(name, s, () => of(s));
      if (v !== undefined) use(s, v);
    }),
  );

new Gauge({
  name: 'outbox_pending_events',
  help: 'Outbox rows not yet published to Kafka',
  labelNames: ['service'],
  registers,
  async collect() {
    this.reset();
    await eachSource('outbox', (s) => s.outbox(), (s, b) => this.set({ service: s.service }, b.pending));
  },
});

new Gauge({
  name: 'outbox_oldest_pending_age_seconds',
  help: 'Age of the oldest outbox row not yet published (0 when none is pending)',
  labelNames: ['service'],
  registers,
  async collect() {
    this.reset();
    await eachSource('outbox', (s) => s.outbox(), (s, b) => this.set({ service: s.service }, b.oldestAgeSeconds));
  },
});

new Gauge({
  name: 'kafka_consumer_group_lag',
  help: "Messages behind: a partition's high watermark minus the group's committed offset",
  labelNames: ['group', 'topic', 'partition'],
  registers,
  async collect() {
    this.reset();
    await eachSource('lag', (s) => s.lag(), (s, lags) => lags.forEach((l) => this.set({ group: s.groupId, topic: l.topic, partition: String(l.partition) }, l.lag)));
  },
});

new Gauge({
  name: 'kafka_dead_letter_messages',
  help: "Messages the topic's dead-letter topic (<topic>.dlq) holds, of every consumer group, redriven or not",
  labelNames: ['topic'],
  registers,
  async collect() {
    this.reset();
    await eachSource('dead_letters', (s) => s.deadLetters(), (_s, topics) => topics.forEach((t) => this.set({ topic: t.topic }, t.messages)));
  },
});

const consumed = new Counter({
  name: 'events_consumed_total',
  help: 'Events consumed, by group, topic and outcome (handled, duplicate: absorbed by the inbox, dead_lettered)',
  labelNames: ['group', 'topic', 'outcome'],
  registers,
});

/** Counts a consumer group's outcomes into `events_consumed_total`. */
export const consumerObserver = (group: string): ConsumerObserver => ({
  counted: (outcome, topic, n) => consumed.inc({ group, topic, outcome }, n),
});

const outboxDeadLettered = new Counter({
  name: 'outbox_dead_lettered_total',
  help: 'Outbox events Kafka refused for good (too large, unknown or forbidden topic), moved to outbox_dead_letter',
  labelNames: ['service', 'topic'],
  registers,
});

/** Counts the relay's dead letters into `outbox_dead_lettered_total`. */
export const relayObserver = (service: string): RelayObserver => ({
  deadLettered: (topic, n) => outboxDeadLettered.inc({ service, topic }, n),
});

const backPressureRefusals = new Counter({
  name: 'outbox_back_pressure_refusals_total',
  help: 'Writes refused (503) because the outbox was over OUTBOX_MAX_PENDING or OUTBOX_MAX_AGE_SECONDS',
  labelNames: ['service'],
  registers,
});

export const backPressureCounter = (service: string) => () => void backPressureRefusals.inc({ service });

const kafkaProbes = new Map<string, () => Promise<void>>();

new Gauge({
  name: 'kafka_up',
  help: "1 while the service's Kafka cluster answers a metadata request, 0 when not; readiness does not depend on it",
  labelNames: ['service'],
  registers,
  async collect() {
    this.reset();
    await Promise.all(
      [...kafkaProbes].map(async ([service, check]) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => (timer = setTimeout(reject, METRICS_PROBE_TIMEOUT_MS, new Error('timed out'))));
        const up = await Promise.race([check(), timeout]).then(() => 1, () => 0).finally(() => clearTimeout(timer));
        this.set({ service }, up);
      }),
    );
  },
});

/** Reports `kafka_up{service}` from the check until the returned function is called. */
export function registerKafkaProbe(service: string, check: () => Promise<void>): () => void {
  kafkaProbes.set(service, check);
  return () => void kafkaProbes.delete(service);
}

/** Reports the source's gauges until the returned function is called. */
export function registerMetricsSource(source: MetricsSource): () => void {
  sources.add(source);
  return () => void sources.delete(source);
}

export interface ServiceMetricsOptions {
  service: string;
  schema: string;
  groupId: string;
  orm: MikroORM;
  offsets: KafkaOffsets;
  /** The topics the service consumes, once its consumer is known. */
  topics: () => string[];
}

/** A service's outbox (one indexed query per scrape), its consumer group's lag and its dead-letter topics. */
export const serviceMetricsSource = (o: ServiceMetricsOptions): MetricsSource => ({
  service: o.service,
  groupId: o.groupId,
  outbox: async () => {
    const [r] = await o.orm.em.fork().execute<{ pending: number; age: number }[]>(
      `select count(*)::int as "pending", coalesce(extract(epoch from now() - min("created_at")), 0)::float8 as "age"
       from "${o.schema}"."outbox" where "sent_at" is null`,
    );
    return { pending: Number(r!.pending), oldestAgeSeconds: Number(r!.age) };
  },
  lag: () => o.offsets.lag(o.groupId, o.topics()),
  deadLetters: () => Promise.all(o.topics().map(async (topic) => ({ topic, messages: await o.offsets.retained(dlqOf(topic)) }))),
});
