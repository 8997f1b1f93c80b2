import { ProbeRecorded, TOPICS } from '@alphintra/contracts';
import { EventConsumer, OutboxPublisher, onEvent, silentLogger } from '@alphintra/platform-messaging';
import { createTestTopics, testKafka } from '@alphintra/testing';
import { messagingFixture, spawnRelay, until, type MessagingFixture } from './fixtures';

const KEYS = 100;
const PER_KEY = 100;
const TOTAL = KEYS * PER_KEY;

describe('outbox → relay → Kafka → inbox consumer', () => {
  let f: MessagingFixture;
  let consumer: EventConsumer;

  beforeAll(async () => {
    f = await messagingFixture('trading', [
      `create table "trading_data"."probe_effect" ("n" bigserial primary key, "key" text not null, "seq" int not null)`,
    ]);
    await createTestTopics(f.inst.topicPrefix);
  });
  afterAll(async () => {
    await consumer?.stop();
    await f?.close();
  });

  const effects = async () =>
    Number((await f.orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from "${f.schema}"."probe_effect"`))[0].n);
  const pending = async () =>
    Number((await f.orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from "${f.schema}"."outbox" where sent_at is null`))[0].n);

  it('delivers 10,000 events over 100 keys exactly once and in order per key, across a SIGKILLed relay', async () => {
    const publisher = new OutboxPublisher('trading', f.schema, f.inst.topicPrefix);
    for (let seq = 0; seq < PER_KEY; seq += 10) {
      await f.orm.em.fork().transactional(async (em) => {
        const items = [];
        for (let s = seq; s < seq + 10; s++) for (let k = 0; k < KEYS; k++) items.push({ subject: `key-${k}`, data: { key: `key-${k}`, seq: s } });
        await publisher.recordMany(em, ProbeRecorded, items);
      });
    }
    expect(await pending()).toBe(TOTAL);

    consumer = new EventConsumer({
      kafka: testKafka('outbox-test-consumer'),
      orm: f.orm,
      schema: f.schema,
      groupId: `${f.inst.id}-probe`,
      topicPrefix: f.inst.topicPrefix,
      logger: silentLogger,
      handlers: [
        onEvent(ProbeRecorded, async (e, em) => {
          await em.execute(`insert into "${f.schema}"."probe_effect" ("key", "seq") values (?, ?)`, [e.data.key, e.data.seq], 'run');
        }),
      ],
    });
    await consumer.start();

    const first = spawnRelay(f, 200);
    await until('the first relay to publish part of the outbox', () => first.published() >= 2_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const leftAfterKill = await pending();
    expect(leftAfterKill).toBeGreaterThan(0);

    const second = spawnRelay(f, 1000);
    try {
      await until('every event to take effect', async () => (await effects()) >= TOTAL && (await pending()) === 0, 120_000);

      // Kafka-level duplicates: resend 500 delivered events; the inbox must absorb every one.
      const duplicatesBefore = consumer.stats.duplicates;
      await f.orm.em.fork().execute(`update "${f.schema}"."outbox" set sent_at = null where id in (select id from "${f.schema}"."outbox" order by id limit 500)`);
      await until('the resent events to reach the consumer', () => consumer.stats.duplicates >= duplicatesBefore + 500);
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }

    expect(await effects()).toBe(TOTAL);
    const rows = await f.orm.em.fork().execute<{ key: string; seqs: number[] }[]>(
      `select "key", array_agg("seq" order by "n") as seqs from "${f.schema}"."probe_effect" group by "key"`,
    );
    expect(rows).toHaveLength(KEYS);
    const inOrder = Array.from({ length: PER_KEY }, (_, i) => i);
    for (const r of rows) expect({ key: r.key, seqs: r.seqs }).toEqual({ key: r.key, seqs: inOrder });
    expect(TOPICS.platformProbe).toBe('alphintra.platform.probe.v1');
  });
});
