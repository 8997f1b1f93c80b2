import { randomBytes } from 'node:crypto';
import type { ClientConfig } from 'pg';
import { Client } from 'pg';
import { ALL_TOPICS } from '@alphintra/contracts';
import {
  databaseFor,
  databasesOf,
  ownerRoleOf,
  provision,
  runtimeUserOf,
  SERVICES,
  type Naming,
  type ServiceCredentials,
  type ServiceName,
  type Topology,
} from '@alphintra/platform-database';
import { createKafka, ensureTopics, type Kafka } from '@alphintra/platform-messaging';
import { registerSecret, registerSecrets } from './test-results';

/** The run's PostgreSQL (as admin) and Kafka, started by the global setup. */
export function testInfra(): { admin: ClientConfig; brokers: string[] } {
  const url = process.env.ALPHINTRA_PG_URL;
  const brokers = process.env.ALPHINTRA_KAFKA_BROKERS;
  if (!url || !brokers) throw new Error('test infrastructure is not up: run through jest (global setup) or set ALPHINTRA_PG_URL and ALPHINTRA_KAFKA_BROKERS');
  const u = new URL(url);
  registerSecret(decodeURIComponent(u.password));
  return {
    admin: { host: u.hostname, port: Number(u.port), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: 'postgres' },
    brokers: brokers.split(','),
  };
}

export const uniqueId = (): string => `t${randomBytes(4).toString('hex')}`;

export const testKafka = (clientId = 'test'): Kafka => createKafka({ brokers: testInfra().brokers, clientId });

/** Creates every platform topic under a prefix private to the suite. */
export async function createTestTopics(prefix: string, partitions = 3): Promise<void> {
  await ensureTopics(
    testKafka(),
    ALL_TOPICS.map((t) => ({ name: prefix + t, partitions, replicationFactor: 1, retentionMs: 3_600_000 })),
  );
}

export interface TestInstallation {
  id: string;
  topology: Topology;
  naming: Naming;
  credentials: Record<ServiceName, ServiceCredentials>;
  topicPrefix: string;
  /** The environment a service process of this installation reads. */
  envFor(service: ServiceName): Record<string, string>;
  drop(): Promise<void>;
}

/** A private installation (databases, roles, topic prefix) in the shared cluster. */
export async function provisionTestInstallation(topology: Topology, services: readonly ServiceName[] = SERVICES): Promise<TestInstallation> {
  const { admin, brokers } = testInfra();
  const id = uniqueId();
  const naming: Naming = { dbPrefix: `${id}_alphintra`, rolePrefix: `${id}_` };
  const credentials = Object.fromEntries(
    SERVICES.map((s) => [s, { ownerPassword: randomBytes(12).toString('hex'), runtimePassword: randomBytes(12).toString('hex') }]),
  ) as Record<ServiceName, ServiceCredentials>;
  registerSecrets(credentials);
  await provision({ admin, topology, credentials, services, naming });
  const topicPrefix = `${id}.`;
  return {
    id,
    topology,
    naming,
    credentials,
    topicPrefix,
    envFor: (s) => {
      const v = `${s.toUpperCase()}_DATABASE`;
      return {
        DB_TOPOLOGY: topology,
        [`${v}_HOST`]: String(admin.host),
        [`${v}_PORT`]: String(admin.port),
        [`${v}_NAME`]: databaseFor(topology, s, naming.dbPrefix),
        [`${v}_USER`]: runtimeUserOf(s, naming.rolePrefix),
        [`${v}_PASSWORD`]: credentials[s].runtimePassword,
        [`${v}_OWNER_USER`]: ownerRoleOf(s, naming.rolePrefix),
        [`${v}_OWNER_PASSWORD`]: credentials[s].ownerPassword,
        KAFKA_BROKERS: brokers.join(','),
        KAFKA_TOPIC_PREFIX: topicPrefix,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        HOST: '127.0.0.1',
      };
    },
    drop: () => dropInstallation(admin, topology, naming, services),
  };
}

async function dropInstallation(admin: ClientConfig, topology: Topology, naming: Naming, services: readonly ServiceName[]): Promise<void> {
  const c = new Client(admin);
  await c.connect();
  try {
    for (const db of databasesOf(topology, naming.dbPrefix)) await c.query(`drop database if exists "${db}" with (force)`);
    for (const s of services) {
      for (const role of [runtimeUserOf(s, naming.rolePrefix), ownerRoleOf(s, naming.rolePrefix)]) await c.query(`drop role if exists "${role}"`);
    }
  } finally {
    await c.end();
  }
}
