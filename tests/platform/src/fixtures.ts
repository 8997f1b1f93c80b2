import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { migrateService, openOrm, schemaOf, type ServiceName } from '@alphintra/platform-database';
import { provisionTestInstallation, testInfra, type TestInstallation } from '@alphintra/testing';
import { messagingMigration, messagingResilienceMigration } from '@alphintra/platform-messaging';

export interface MessagingFixture {
  inst: TestInstallation;
  orm: MikroORM;
  schema: string;
  runtime: { host: string; port: number; database: string; user: string; password: string };
  close(): Promise<void>;
}

/** A private database with the messaging tables (and `extraSql`), reached as the runtime user. */
export async function messagingFixture(service: ServiceName, extraSql: string[] = []): Promise<MessagingFixture> {
  const inst = await provisionTestInstallation('separate', [service]);
  const env = inst.envFor(service);
  const v = `${service.toUpperCase()}_DATABASE`;
  const base = { host: testInfra().admin.host as string, port: Number(testInfra().admin.port), database: env[`${v}_NAME`] };
  const owner = { ...base, user: env[`${v}_OWNER_USER`], password: env[`${v}_OWNER_PASSWORD`] };
  const runtime = { ...base, user: env[`${v}_USER`], password: env[`${v}_PASSWORD`] };
  const schema = schemaOf(service);
  const migrations = [messagingMigration(schema), messagingResilienceMigration(schema)];
  if (extraSql.length) {
    const { Migration } = await import('@mikro-orm/migrations');
    class Extra extends Migration {
      override async up(): Promise<void> {
        for (const sql of extraSql) this.addSql(sql);
      }
    }
    migrations.push({ name: '0002_test', class: Extra });
  }
  await migrateService({ service, connection: owner, entities: [], migrations });
  const orm = await openOrm({ service, connection: runtime, entities: [], migrations: [] });
  return {
    inst,
    orm,
    schema,
    runtime,
    close: async () => {
      await orm.close(true);
      await inst.drop();
    },
  };
}

/** Starts `testing/relay.process.ts` through SWC's register hook. */
export function spawnRelay(f: MessagingFixture, batchSize: number): ChildProcess & { published: () => number } {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'relay.process.ts')], {
    env: {
      ...process.env,
      SWC_NODE_PROJECT: join(__dirname, '../../../tsconfig.json'),
      RELAY_CONNECTION: JSON.stringify(f.runtime),
      RELAY_SCHEMA: f.schema,
      RELAY_BROKERS: testInfra().brokers.join(','),
      RELAY_BATCH_SIZE: String(batchSize),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let published = 0;
  child.stdout!.on('data', (d: Buffer) => {
    const m = /published (\d+)\s*$/.exec(d.toString());
    if (m) published = Number(m[1]);
  });
  return Object.assign(child, { published: () => published });
}

export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts `consumer.process.ts`, whose handler SIGKILLs its own process on a message with data key `poison`. */
export function spawnConsumer(f: MessagingFixture, groupId: string, maxAttempts: number): ChildProcess {
  return spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'consumer.process.ts')], {
    env: {
      ...process.env,
      SWC_NODE_PROJECT: join(__dirname, '../../../tsconfig.json'),
      CONSUMER_CONNECTION: JSON.stringify(f.runtime),
      CONSUMER_SCHEMA: f.schema,
      CONSUMER_BROKERS: testInfra().brokers.join(','),
      CONSUMER_GROUP: groupId,
      CONSUMER_TOPIC_PREFIX: f.inst.topicPrefix,
      CONSUMER_MAX_ATTEMPTS: String(maxAttempts),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}
