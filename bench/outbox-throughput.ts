/**
 * Events/s through outbox → relay → Kafka → inbox consumer, against raw kafkajs produce →
 * consume of the same payloads, in one run on the same PostgreSQL and Kafka. With
 * OTEL_EXPORTER_OTLP_ENDPOINT set, traced as the services are (a span per outbox write and per event handled).
 *   node dist/bench/outbox-throughput.js [events=20000]
 */
import { randomBytes } from 'node:crypto';
import { ProbeRecorded } from '@alphintra/contracts';
import { pgUrl, startInfra } from '@alphintra/devinfra';
import { migrateService, openOrm, schemaOf } from '@alphintra/platform-database';
import { flushTracing, loadTracingEnv, startTracing } from '@alphintra/platform-http';
import { createKafka, EventConsumer, messagingMigration, messagingResilienceMigration, onEvent, OutboxPublisher, OutboxRelay, silentLogger } from '@alphintra/platform-messaging';
import { createTestTopics, provisionTestInstallation, testInfra } from '@alphintra/testing';
import { rawKafkaRoundTrip } from './raw-kafka';

const N = Number(process.argv[2] ?? 20_000);
const KEYS = 100;
const TX_SIZE = 100;

async function main(): Promise<void> {
  await startTracing('bench', loadTracingEnv());
  const infra = await startInfra({ name: 'bench', pgPort: 57_432, kafkaPort: 57_092, durable: true }, 'local');
  process.env.ALPHINTRA_PG_URL = pgUrl(infra.postgres);
  process.env.ALPHINTRA_KAFKA_BROKERS = infra.kafka.brokers.join(',');
  try {
    const inst = await provisionTestInstallation('separate', ['trading']);
    await createTestTopics(inst.topicPrefix, 3);
    const env = inst.envFor('trading');
    const conn = (who: 'USER' | 'OWNER_USER', pw: 'PASSWORD' | 'OWNER_PASSWORD') => ({
      host: String(testInfra().admin.host),
      port: Number(testInfra().admin.port),
      database: env.TRADING_DATABASE_NAME,
      user: env[`TRADING_DATABASE_${who}`],
      password: env[`TRADING_DATABASE_${pw}`],
    });
    const schema = schemaOf('trading');
    await migrateService({ service: 'trading', connection: conn('OWNER_USER', 'OWNER_PASSWORD'), entities: [], migrations: [messagingMigration(schema), messagingResilienceMigration(schema)] });
    const orm = await openOrm({ service: 'trading', connection: conn('USER', 'PASSWORD'), entities: [], migrations: [] });
    const payload = randomBytes(96).toString('hex');
    const kafka = createKafka({ brokers: infra.kafka.brokers, clientId: 'bench' });

    const raw = await rawKafkaRoundTrip(kafka, `${inst.topicPrefix}${ProbeRecorded.topic}`, N, KEYS, payload, `${inst.id}-raw`);

    let handled = 0;
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const consumer = new EventConsumer({
      kafka,
      orm,
      schema,
      groupId: `${inst.id}-outbox`,
      topicPrefix: inst.topicPrefix,
      logger: silentLogger,
      partitionsConsumedConcurrently: 3,
      fromBeginning: false,
      handlers: [onEvent(ProbeRecorded, async () => void (++handled === N && done()))],
    });
    await consumer.start();
    await new Promise((r) => setTimeout(r, 2000)); // group join
    const relay = new OutboxRelay({ connection: conn('USER', 'PASSWORD'), schema, kafka, logger: silentLogger });
    await relay.start();
    const publisher = new OutboxPublisher('trading', schema, inst.topicPrefix);
    const t0 = performance.now();
    for (let i = 0; i < N; i += TX_SIZE) {
      await orm.em.fork().transactional((em) =>
        publisher.recordMany(
          em,
          ProbeRecorded,
          Array.from({ length: TX_SIZE }, (_, j) => ({ subject: `key-${(i + j) % KEYS}`, data: { key: `key-${(i + j) % KEYS}`, seq: i + j, payload } })),
        ),
      );
    }
    const written = performance.now() - t0;
    await finished;
    const outboxMs = performance.now() - t0;
    await Promise.all([consumer.stop(), relay.stop()]);
    await orm.close(true);
    await inst.drop();

    const outboxRate = N / (outboxMs / 1000);
    const rawRate = N / (raw.ms / 1000);
    console.log(`events: ${N} over ${KEYS} keys, ${payload.length + 40}-byte payloads, 3 partitions, acks=all, idempotent producer`);
    console.log(`raw kafkajs produce → consume:            ${rawRate.toFixed(0).padStart(7)} events/s (${raw.ms.toFixed(0)} ms)`);
    console.log(`outbox → relay → Kafka → inbox consumer:  ${outboxRate.toFixed(0).padStart(7)} events/s (${outboxMs.toFixed(0)} ms; outbox writes took ${written.toFixed(0)} ms in ${N / TX_SIZE} transactions)`);
    console.log(`ratio outbox / raw: ${(outboxRate / rawRate).toFixed(2)}`);
    await flushTracing();
  } finally {
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
