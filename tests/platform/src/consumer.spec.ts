import { dlqOf, ProbeRecorded } from '@alphintra/contracts';
import { EventConsumer, OutboxPublisher, onEvent, silentLogger, type Kafka } from '@alphintra/platform-messaging';
import { createTestTopics, testKafka } from '@alphintra/testing';
import type { Consumer, IHeaders, Producer } from 'kafkajs';
import { messagingFixture, spawnRelay, until, type MessagingFixture } from './fixtures';

const header = (h: IHeaders | undefined, k: string) => h?.[k]?.toString();

describe('event consumer failures', () => {
  let f: MessagingFixture;
  let kafka: Kafka;
  let consumer: EventConsumer;
  let producer: Producer;
  let dlqReader: Consumer;
  const dead: { key: string; error: string; attempts: string }[] = [];

  beforeAll(async () => {
    f = await messagingFixture('risk', [`create table "risk_data"."seen" ("key" text not null, "seq" int not null)`]);
    await createTestTopics(f.inst.topicPrefix);
    kafka = testKafka('consumer-failure-test');
    producer = kafka.producer();
    await producer.connect();
    dlqReader = kafka.consumer({ groupId: `${f.inst.id}-dlq-reader` });
    await dlqReader.connect();
    await dlqReader.subscribe({ topic: dlqOf(f.inst.topicPrefix + ProbeRecorded.topic), fromBeginning: true });
    await dlqReader.run({
      eachMessage: async ({ message }) =>
        void dead.push({
          key: message.key?.toString() ?? '',
          error: header(message.headers, 'dlq_error') ?? '',
          attempts: header(message.headers, 'dlq_attempts') ?? '',
        }),
    });
  });
  afterAll(async () => {
    await Promise.all([consumer?.stop(), producer?.disconnect(), dlqReader?.disconnect()]);
    await f?.close();
  });

  it('dead-letters a malformed message and an always-failing one, and goes on with the next', async () => {
    let failingCalls = 0;
    consumer = new EventConsumer({
      kafka,
      orm: f.orm,
      schema: f.schema,
      groupId: `${f.inst.id}-risk`,
      topicPrefix: f.inst.topicPrefix,
      logger: silentLogger,
      maxAttempts: 3,
      backoffMs: 20,
      handlers: [
        onEvent(ProbeRecorded, async (e, em) => {
          if (e.data.key === 'poison') {
            failingCalls++;
            throw new Error('handler always fails for poison');
          }
          await em.execute(`insert into "${f.schema}"."seen" values (?, ?)`, [e.data.key, e.data.seq], 'run');
        }),
      ],
    });
    await consumer.start();

    const topic = f.inst.topicPrefix + ProbeRecorded.topic;
    // Same partition for all (one key) so "goes on with the next" is about the messages behind the bad ones.
    await producer.send({ topic, messages: [{ key: 'k', value: 'not json', headers: { ce_specversion: '1.0' } }] });
    const publisher = new OutboxPublisher('risk', f.schema, f.inst.topicPrefix);
    await f.orm.em.fork().transactional(async (em) => {
      await publisher.record(em, ProbeRecorded, 'k', { key: 'poison', seq: 1 });
      for (let seq = 2; seq <= 6; seq++) await publisher.record(em, ProbeRecorded, 'k', { key: 'good', seq });
    });
    const relay = spawnRelay(f, 100);
    try {
      await until('good messages behind the bad ones to be handled', () => consumer.stats.handled >= 5, 60_000);
      await until('both bad messages on the DLQ', () => dead.length >= 2, 30_000);
    } finally {
      relay.kill('SIGTERM');
    }

    const seen = await f.orm.em.fork().execute<{ seq: number }[]>(`select seq from "${f.schema}"."seen" order by seq`);
    expect(seen.map((r) => r.seq)).toEqual([2, 3, 4, 5, 6]);
    // once in the chunk transaction (rolled back), then maxAttempts times on its own
    expect(failingCalls).toBe(1 + 3);
    expect(consumer.stats.deadLettered).toBe(2);
    expect(dead).toEqual([
      { key: 'k', error: expect.stringMatching(/^MalformedEventError: header ce_\w+ is missing$/), attempts: '1' },
      { key: 'k', error: 'Error: handler always fails for poison', attempts: '3' },
    ]);
  });
});
