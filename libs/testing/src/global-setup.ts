import { pgUrl, startInfra, type Infra } from '@alphintra/devinfra';

/** One PostgreSQL and one Kafka per test run; a runner that already started them passes them in as `external`. */
export default async function globalSetup(): Promise<void> {
  if (process.env.ALPHINTRA_TEST_INFRA === 'external') return;
  const infra = await startInfra({ name: 'test', pgPort: 55432, kafkaPort: 59092, durable: false });
  process.env.ALPHINTRA_TEST_INFRA = 'external';
  process.env.ALPHINTRA_PG_URL = pgUrl(infra.postgres);
  process.env.ALPHINTRA_KAFKA_BROKERS = infra.kafka.brokers.join(',');
  (globalThis as { __alphintraInfra?: Infra }).__alphintraInfra = infra;
}
