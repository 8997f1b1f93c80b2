import { startLocalKafka, type KafkaServer } from './kafka';
import { startLocalPostgres, type PostgresServer } from './postgres';
import { dockerAvailable, startContainerKafka, startContainerPostgres } from './testcontainers';

export type InfraMode = 'testcontainers' | 'local' | 'external';

export interface Infra {
  mode: InfraMode;
  postgres: Omit<PostgresServer, 'stop'>;
  kafka: { brokers: string[] };
  stop(): Promise<void>;
}

export interface InfraOptions {
  /** Names the local data dirs, so `up` and tests never share a cluster. */
  name: string;
  pgPort: number;
  kafkaPort: number;
  durable: boolean;
}

/**
 * One PostgreSQL and one Kafka: containers where a Docker engine answers, otherwise local
 * processes; `ALPHINTRA_TEST_INFRA` overrides, and `external` reads `ALPHINTRA_PG_URL`
 * (postgres://user:password@host:port) and `ALPHINTRA_KAFKA_BROKERS`.
 */
export async function startInfra(o: InfraOptions, mode?: InfraMode): Promise<Infra> {
  const chosen = mode ?? (process.env.ALPHINTRA_TEST_INFRA as InfraMode | undefined) ?? ((await dockerAvailable()) ? 'testcontainers' : 'local');
  if (chosen === 'external') {
    const url = process.env.ALPHINTRA_PG_URL;
    const brokers = process.env.ALPHINTRA_KAFKA_BROKERS;
    if (!url || !brokers) throw new Error('ALPHINTRA_TEST_INFRA=external needs ALPHINTRA_PG_URL and ALPHINTRA_KAFKA_BROKERS');
    const u = new URL(url);
    return {
      mode: chosen,
      postgres: { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) },
      kafka: { brokers: brokers.split(',') },
      stop: async () => undefined,
    };
  }
  let pg: PostgresServer;
  let kafka: KafkaServer;
  if (chosen === 'testcontainers') {
    [pg, kafka] = await Promise.all([startContainerPostgres(), startContainerKafka()]);
  } else {
    [pg, kafka] = await Promise.all([
      startLocalPostgres({ name: o.name, port: o.pgPort, durable: o.durable, fresh: !o.durable }),
      startLocalKafka({ name: o.name, port: o.kafkaPort, fresh: !o.durable }),
    ]);
  }
  const { stop: _s, ...postgres } = pg;
  return {
    mode: chosen,
    postgres,
    kafka: { brokers: kafka.brokers },
    stop: async () => void (await Promise.all([pg.stop(), kafka.stop()])),
  };
}

export const pgUrl = (p: Infra['postgres']): string =>
  `postgres://${encodeURIComponent(p.user)}:${encodeURIComponent(p.password)}@${p.host}:${p.port}`;
