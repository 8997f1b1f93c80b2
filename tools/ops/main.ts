import { z } from 'zod';
import { ALL_TOPICS } from '@alphintra/contracts';
import { ConfigError, kafkaBrokers, loadEnv } from '@alphintra/platform-config';
import { provision, SERVICES, TOPOLOGIES, type ServiceCredentials, type ServiceName } from '@alphintra/platform-database';
import { createKafka, ensureTopics } from '@alphintra/platform-messaging';

const USAGE = `usage: ops <command>
  provision   create databases, schemas, owner roles and runtime users for DB_TOPOLOGY (idempotent)
              env: PGHOST PGPORT PGUSER PGPASSWORD [PGDATABASE] DB_TOPOLOGY
                   <SERVICE>_DATABASE_PASSWORD and <SERVICE>_DATABASE_OWNER_PASSWORD for every service
  topics      create every event topic and its .dlq (idempotent)
              env: KAFKA_BROKERS [KAFKA_TOPIC_PARTITIONS=3] [KAFKA_REPLICATION_FACTOR=1] [KAFKA_RETENTION_MS=604800000]`;

const secret = z.string().min(8, 'must be at least 8 characters');
const provisionEnv = z.object({
  PGHOST: z.string().default('127.0.0.1'),
  PGPORT: z.coerce.number().int().default(5432),
  PGUSER: z.string().default('postgres'),
  PGPASSWORD: z.string().min(1),
  PGDATABASE: z.string().default('postgres'),
  DB_TOPOLOGY: z.enum(TOPOLOGIES).default('separate'),
  ...Object.fromEntries(
    SERVICES.flatMap((s) => [
      [`${s.toUpperCase()}_DATABASE_PASSWORD`, secret],
      [`${s.toUpperCase()}_DATABASE_OWNER_PASSWORD`, secret],
    ]),
  ),
});

const topicsEnv = z.object({
  KAFKA_BROKERS: kafkaBrokers,
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).default(3),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).default(1),
  KAFKA_RETENTION_MS: z.coerce.number().int().min(60_000).default(604_800_000),
});

async function main(cmd: string | undefined): Promise<void> {
  switch (cmd) {
    case 'provision': {
      const e = loadEnv(provisionEnv) as z.infer<typeof provisionEnv> & Record<string, string>;
      const credentials = Object.fromEntries(
        SERVICES.map((s) => [s, { runtimePassword: e[`${s.toUpperCase()}_DATABASE_PASSWORD`], ownerPassword: e[`${s.toUpperCase()}_DATABASE_OWNER_PASSWORD`] }]),
      ) as Record<ServiceName, ServiceCredentials>;
      await provision({
        admin: { host: e.PGHOST, port: e.PGPORT, user: e.PGUSER, password: e.PGPASSWORD, database: e.PGDATABASE },
        topology: e.DB_TOPOLOGY,
        credentials,
        log: (line) => console.log(line),
      });
      console.log(`provisioned topology ${e.DB_TOPOLOGY}`);
      return;
    }
    case 'topics': {
      const e = loadEnv(topicsEnv);
      const created = await ensureTopics(
        createKafka({ brokers: e.KAFKA_BROKERS, clientId: 'alphintra-ops' }),
        ALL_TOPICS.map((t) => ({ name: e.KAFKA_TOPIC_PREFIX + t, partitions: e.KAFKA_TOPIC_PARTITIONS, replicationFactor: e.KAFKA_REPLICATION_FACTOR, retentionMs: e.KAFKA_RETENTION_MS })),
      );
      console.log(created.length ? `created topics: ${created.join(', ')}` : 'topics already exist');
      return;
    }
    default:
      console.error(USAGE);
      process.exit(cmd ? 64 : 0);
  }
}

main(process.argv[2]).catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(e instanceof ConfigError ? 78 : 1);
});
