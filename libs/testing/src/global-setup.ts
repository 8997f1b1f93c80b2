import { pgUrl, startInfra, type Infra } from '@alphintra/devinfra';

/** Two checkouts (or two engineers) testing at once pick other ports and `ALPHINTRA_STATE`. */
const testPort = (what: string, fallback: number): number => Number(process.env[`ALPHINTRA_TEST_${what}_PORT`] ?? fallback);

/** One PostgreSQL and one Kafka per test run; a runner that already started them passes them in as `external`. */
export default async function globalSetup(): Promise<void> {
  if (process.env.ALPHINTRA_TEST_INFRA === 'external') return;
  const infra = await startInfra({ name: 'test', pgPort: testPort('PG', 55_432), kafkaPort: testPort('KAFKA', 59_092), durable: false });
  process.env.ALPHINTRA_TEST_INFRA = 'external';
  process.env.ALPHINTRA_PG_URL = pgUrl(infra.postgres);
  process.env.ALPHINTRA_KAFKA_BROKERS = infra.kafka.brokers.join(',');
  (globalThis as { __alphintraInfra?: Infra }).__alphintraInfra = infra;
}
