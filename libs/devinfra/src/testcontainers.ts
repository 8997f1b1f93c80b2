import type { KafkaServer } from './kafka';
import type { PostgresServer } from './postgres';

/** PostgreSQL 15 and Kafka 3.9 (KRaft) in containers, for machines with a Docker engine. */
export async function startContainerPostgres(): Promise<PostgresServer> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const c = await new PostgreSqlContainer('postgres:15-alpine')
    .withUsername('postgres')
    .withPassword('alphintra-container-admin')
    .withCommand(['postgres', '-c', 'max_connections=400', '-c', 'fsync=off'])
    .start();
  return { host: c.getHost(), port: c.getPort(), user: 'postgres', password: 'alphintra-container-admin', stop: async () => void (await c.stop()) };
}

export async function startContainerKafka(): Promise<KafkaServer> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const c = await new KafkaContainer('apache/kafka:3.9.1').withKraft().withEnvironment({ KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' }).start();
  const brokers = [`${c.getHost()}:${c.getMappedPort(9093)}`];
  return {
    brokers,
    stop: async () => void (await c.stop()),
    restart: async () => {
      await c.restart();
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
