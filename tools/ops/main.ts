import { z } from 'zod';
import { ALL_TOPICS } from '@alphintra/contracts';
import { ConfigError, kafkaBrokers, loadEnv } from '@alphintra/platform-config';
import { BackupRefused, PgToolsMissing, provision, SERVICES, TopologyMoveRefused, TOPOLOGIES, type ServiceCredentials, type ServiceName } from '@alphintra/platform-database';
import { createKafka, ensureTopics, KafkaSecurityConfigError } from '@alphintra/platform-messaging';
import { migrateTopologyCommand, parseTopologyArgs, UsageError } from './migrate-topology.command';
import { BACKUP_USAGE, backupCommand, restoreCommand } from './backup.command';
import { DEAD_LETTERS_USAGE, deadLettersCommand } from './dead-letters.command';
import { CONSUMER_USAGE, consumerCommand } from './consumer.command';
import { KAFKA_IDENTITIES_USAGE, kafkaIdentitiesCommand } from './kafka-identities.command';

const USAGE = `usage: ops <command>
  provision   create databases, schemas, owner roles and runtime users for DB_TOPOLOGY (idempotent)
              env: PGHOST PGPORT PGUSER PGPASSWORD [PGDATABASE] DB_TOPOLOGY
                   <SERVICE>_DATABASE_PASSWORD and <SERVICE>_DATABASE_OWNER_PASSWORD for every service
  topics      create every event topic and its .dlq (idempotent)
              env: KAFKA_BROKERS [KAFKA_TOPIC_PARTITIONS=3] [KAFKA_REPLICATION_FACTOR=1] [KAFKA_RETENTION_MS=604800000]
                   [KAFKA_SASL_* KAFKA_SSL* of the admin identity, ADR 0028]
${KAFKA_IDENTITIES_USAGE}
  migrate-topology --from <topology> --to <topology> [--services all|auth,user,...] [--force-empty-check | --verify | --drop-source]
              with the services stopped, move each service's schema and data to its database in the other
              topology, then print rows and checksums per table of both sides; exit 1 on any mismatch
              (source untouched), 2 when refused. --verify only compares. --drop-source, a later step,
              drops the old schemas (and emptied databases) whose copy was verified.
              env: PGHOST PGPORT PGUSER PGPASSWORD; to move also the passwords provision reads
${BACKUP_USAGE}
${DEAD_LETTERS_USAGE}
${CONSUMER_USAGE}`;

const secret = z.string().min(8, 'must be at least 8 characters');
const adminEnv = z.object({
  PGHOST: z.string().default('127.0.0.1'),
  PGPORT: z.coerce.number().int().default(5432),
  PGUSER: z.string().default('postgres'),
  PGPASSWORD: z.string().min(1),
  PGDATABASE: z.string().default('postgres'),
});
const provisionEnv = adminEnv.extend({
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

const credentialsOf = (e: Record<string, string>) =>
  Object.fromEntries(
    SERVICES.map((s) => [s, { runtimePassword: e[`${s.toUpperCase()}_DATABASE_PASSWORD`], ownerPassword: e[`${s.toUpperCase()}_DATABASE_OWNER_PASSWORD`] }]),
  ) as Record<ServiceName, ServiceCredentials>;

async function main(cmd: string | undefined): Promise<void> {
  switch (cmd) {
    case 'provision': {
      const e = loadEnv(provisionEnv) as z.infer<typeof provisionEnv> & Record<string, string>;
      await provision({
        admin: { host: e.PGHOST, port: e.PGPORT, user: e.PGUSER, password: e.PGPASSWORD, database: e.PGDATABASE },
        topology: e.DB_TOPOLOGY,
        credentials: credentialsOf(e),
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
    case 'migrate-topology': {
      const args = parseTopologyArgs(process.argv.slice(3));
      const e = loadEnv(args.mode === 'move' ? provisionEnv : adminEnv) as z.infer<typeof adminEnv> & Record<string, string>;
      const ok = await migrateTopologyCommand(args, {
        admin: { host: e.PGHOST, port: e.PGPORT, user: e.PGUSER, password: e.PGPASSWORD, database: e.PGDATABASE },
        credentials: args.mode === 'move' ? credentialsOf(e) : undefined,
      });
      process.exitCode = ok ? 0 : 1;
      return;
    }
    case 'backup':
      return backupCommand(process.argv.slice(3));
    case 'restore':
      return restoreCommand(process.argv.slice(3));
    case 'dead-letters':
      process.exitCode = await deadLettersCommand(process.argv.slice(3));
      return;
    case 'consumer':
      process.exitCode = await consumerCommand(process.argv.slice(3));
      return;
    case 'kafka-identities':
      process.exitCode = (await kafkaIdentitiesCommand(process.argv.slice(3))).code;
      return;
    default:
      console.error(USAGE);
      process.exit(cmd ? 64 : 0);
  }
}

main(process.argv[2]).catch((e) => {
  if (e instanceof UsageError) {
    console.error(`${e.message}\n${USAGE}`);
    process.exit(64);
  }
  const refused = e instanceof TopologyMoveRefused || e instanceof PgToolsMissing || e instanceof BackupRefused;
  const config = e instanceof ConfigError || e instanceof KafkaSecurityConfigError;
  console.error(config || refused ? e.message : e);
  process.exit(config ? 78 : refused ? 2 : 1);
});
