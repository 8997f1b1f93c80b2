import { Client } from 'pg';
import { dlqOf, ProbeRecorded } from '@alphintra/contracts';
import { availablePort, startLocalPostgres, type PostgresServer } from '@alphintra/devinfra';
import { migrateService, openOrm } from '@alphintra/platform-database';
import { EventConsumer, KafkaOffsets, messagingMigration, messagingResilienceMigration, newEvent, onEvent, silentLogger, toHeaders } from '@alphintra/platform-messaging';
import { createTestTopics, testKafka, uniqueId } from '@alphintra/testing';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Producer } from 'kafkajs';
import { until } from './fixtures';

const KEYS = ['acct-a', 'acct-b', 'acct-c', 'acct-d', 'acct-e', 'acct-f'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The consumer's own PostgreSQL goes away for 30 s in the middle of a stream of events. */
describe('event consumer while its database is down', () => {
  const name = `consumer-transient-${uniqueId()}`;
  const prefix = `${uniqueId()}.`;
  const topic = prefix + ProbeRecorded.topic;
  let port: number;
  let pg: PostgresServer;
  let orm: MikroORM;
  let consumer: EventConsumer;
  let producer: Producer;

  beforeAll(async () => {
    port = await availablePort(56900);
    pg = await startLocalPostgres({ name, port, durable: false, fresh: true });
    const connection = { host: pg.host, port, user: pg.user, password: pg.password, database: 'postgres' };
    const admin = new Client(connection);
    await admin.connect();
    await admin.query('create schema risk_data');
    await admin.end();
    const { Migration } = await import('@mikro-orm/migrations');
    class Seen extends Migration {
      override async up(): Promise<void> {
        this.addSql(`create table "risk_data"."seen" ("id" bigserial primary key, "key" text not null, "seq" int not null, unique ("key", "seq"))`);
      }
    }
    const migrations = [messagingMigration('risk_data'), messagingResilienceMigration('risk_data'), { name: '0002_test', class: Seen }];
    await migrateService({ service: 'risk', connection, entities: [], migrations });
    orm = await openOrm({ service: 'risk', connection, entities: [], migrations: [] });
    await createTestTopics(prefix);
    producer = testKafka('consumer-transient-test').producer();
    await producer.connect();
  });
  afterAll(async () => {
    await consumer?.stop();
    await producer?.disconnect();
    await orm?.close(true);
    await pg?.stop();
  });

  it('waits it out: nothing dead-lettered, every event applied once, in order per key', async () => {
    const warnings: string[] = [];
    consumer = new EventConsumer({
      kafka: testKafka('consumer-transient-consumer'),
      orm,
      schema: 'risk_data',
      groupId: `${prefix}risk`,
      topicPrefix: prefix,
      logger: { ...silentLogger, warn: (o, m) => void warnings.push(`${m}: ${String((o as { err?: Error }).err?.message)}`) },
      backoffMs: 100,
      maxBackoffMs: 2000,
      chunkSize: 20,
      handlers: [onEvent(ProbeRecorded, async (e, em) => void (await em.execute(`insert into "risk_data"."seen" ("key", "seq") values (?, ?)`, [e.data.key, e.data.seq], 'run')))],
    });
    await consumer.start();

    let sent = 0;
    const seq = new Map<string, number>();
    const publish = async () => {
      const events = KEYS.map((key) => newEvent(ProbeRecorded, '/test', key, { key, seq: (seq.set(key, (seq.get(key) ?? 0) + 1), seq.get(key)!) }));
      await producer.send({ topic, acks: -1, messages: events.map((e) => ({ key: e.subject, value: JSON.stringify(e.data), headers: toHeaders(e) })) });
      sent += events.length;
    };
    const stream = (async () => {
      for (let i = 0; i < 200; i++) {
        await publish();
        await sleep(200);
      }
    })();
    await sleep(5_000);
    await pg.stop();
    const stoppedAt = consumer.stats.handled;
    await sleep(30_000);
    pg = await startLocalPostgres({ name, port, durable: false });
    await stream;

    await until('every event handled', () => consumer.stats.handled >= sent, 90_000);
    expect(stoppedAt).toBeLessThan(sent);
    expect(consumer.stats.transientRetries).toBeGreaterThan(0);
    expect(consumer.stats).toMatchObject({ handled: sent, deadLettered: 0 });
    // waited out, never taken for the events' fault (which would count tries against them)
    expect(warnings.filter((w) => !w.startsWith('transient failure'))).toEqual([]);
    const rows = await orm.em.fork().execute<{ key: string; seq: number }[]>(`select "key", "seq" from "risk_data"."seen" order by "id"`);
    expect(rows).toHaveLength(sent);
    for (const key of KEYS) {
      const seqs = rows.filter((r) => r.key === key).map((r) => r.seq);
      expect(seqs).toEqual(Array.from({ length: seq.get(key)! }, (_, i) => i + 1));
    }
    const offsets = new KafkaOffsets(testKafka('consumer-transient-dlq'));
    expect(await offsets.retained(dlqOf(topic))).toBe(0);
    await offsets.close();
  }, 240_000);
});
