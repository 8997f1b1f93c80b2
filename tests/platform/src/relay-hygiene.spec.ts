import { ProbeRecorded } from '@alphintra/contracts';
import { OutboxBackPressureError, OutboxBacklog, OutboxPublisher, OutboxRelay, silentLogger, type Kafka, type MessagingLogger } from '@alphintra/platform-messaging';
import { createTestTopics, testInfra, testKafka, withClient } from '@alphintra/testing';
import { messagingFixture, until, type MessagingFixture } from './fixtures';

type Producer = ReturnType<Kafka['producer']>;

/** The run's Kafka, with a switch that makes every produce fail as a broker that went away does. */
function breakableKafka(clientId: string): { kafka: Kafka; down: (d: boolean) => void; sends: () => number } {
  const real = testKafka(clientId);
  let isDown = false;
  let sends = 0;
  const kafka = Object.create(real) as Kafka;
  kafka.producer = (config) => {
    const producer = real.producer(config);
    return new Proxy(producer, {
      get: (target, prop: keyof Producer) =>
        prop === 'sendBatch'
          ? async (batch: Parameters<Producer['sendBatch']>[0]) => {
              sends++;
              if (isDown) throw Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSNumberOfRetriesExceeded' });
              return target.sendBatch(batch);
            }
          : target[prop],
    });
  };
  return { kafka, down: (d) => (isDown = d), sends: () => sends };
}

describe('outbox relay hygiene and back-pressure', () => {
  let f: MessagingFixture;
  let relay: OutboxRelay | undefined;

  beforeAll(async () => {
    f = await messagingFixture('trading');
    await createTestTopics(f.inst.topicPrefix);
  });
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
  });
  afterAll(() => f?.close());

  const rows = <T>(sql: string, params: unknown[] = []) => f.orm.em.fork().execute<T[]>(sql, params);
  const record = (publisher: OutboxPublisher, key: string, seq: number, payload?: string) =>
    f.orm.em.fork().transactional((em) => publisher.record(em, ProbeRecorded, key, { key, seq, ...(payload ? { payload } : {}) }));

  it('moves what Kafka refuses for good to outbox_dead_letter, with the error, and publishes the rest of the shard', async () => {
    const publisher = new OutboxPublisher('trading', f.schema, f.inst.topicPrefix);
    const nowhere = new OutboxPublisher('trading', f.schema, `${f.inst.topicPrefix}nowhere.`);
    await record(publisher, 'k', 1);
    await record(publisher, 'k', 2, 'x'.repeat(1_200_000)); // above the broker's message.max.bytes
    await record(nowhere, 'k', 3);
    await record(nowhere, 'k', 4);
    await record(publisher, 'k', 5);
    const errors: { obj: object; msg?: string }[] = [];
    const logger: MessagingLogger = { ...silentLogger, error: (obj, msg) => errors.push({ obj, msg }) };
    const counted: Record<string, number> = {};
    relay = new OutboxRelay({
      connection: f.runtime,
      schema: f.schema,
      kafka: testKafka('relay-hygiene'),
      logger,
      unknownTopicTries: 2,
      observer: { deadLettered: (topic, n) => void (counted[topic] = (counted[topic] ?? 0) + n) },
    });
    await relay.start();

    await until('the outbox to be empty of pending rows', async () => (await rows<{ n: number }>(`select count(*)::int as n from "${f.schema}"."outbox" where sent_at is null`))[0].n === 0, 90_000);
    const sent = await rows<{ seq: number }>(`select (payload->>'seq')::int as seq from "${f.schema}"."outbox" where sent_at is not null order by id`);
    expect(sent.map((r) => r.seq)).toEqual([1, 5]);
    const dead = await rows<{ seq: number; topic: string; error: string }>(
      `select (payload->>'seq')::int as seq, topic, error from "${f.schema}"."outbox_dead_letter" order by id`,
    );
    expect(dead.map((d) => d.seq)).toEqual([2, 3, 4]);
    expect(dead[0].error).toMatch(/MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE/);
    expect(dead[1].error).toMatch(/UNKNOWN_TOPIC_OR_PARTITION/);
    expect(dead[2].error).toBe(dead[1].error);
    expect(counted).toEqual({ [`${f.inst.topicPrefix}alphintra.platform.probe.v1`]: 1, [`${f.inst.topicPrefix}nowhere.alphintra.platform.probe.v1`]: 2 });
    expect(errors.filter((e) => /moved to outbox_dead_letter/.test(e.msg ?? ''))).toHaveLength(3);
  });

  it('keeps its session and shard locks through a Kafka outage longer than the idle-in-transaction timeout, refusing writes past the limits meanwhile', async () => {
    // the runtime role's sessions would be ended after 3 s idle in a transaction; the relay waits on Kafka for much longer
    await withClient(testInfra().admin, (c) => c.query(`alter role "${f.runtime.user}" set idle_in_transaction_session_timeout = '3s'`));
    const backlog = new OutboxBacklog(f.schema, { maxPending: 5, maxAgeSeconds: 3_600, retryAfterSeconds: 7 });
    const publisher = new OutboxPublisher('trading', f.schema, f.inst.topicPrefix, backlog);
    const broken = breakableKafka('relay-outage');
    relay = new OutboxRelay({ connection: f.runtime, schema: f.schema, kafka: broken.kafka, logger: silentLogger, backlog, maxBackoffMs: 500 });
    await relay.start();
    const session = async () =>
      (
        await rows<{ pid: number; locks: number }>(
          `select a.pid, (select count(*)::int from pg_locks l where l.pid = a.pid and l.locktype = 'advisory' and l.granted) as locks
           from pg_stat_activity a where a.application_name = ? and a.datname = current_database()`,
          [`outbox-relay:${f.schema}`],
        )
      )[0];
    await until('the relay to hold its shards', async () => (await session())?.locks === 16);
    const before = await session();

    broken.down(true);
    for (let seq = 0; seq < 5; seq++) await record(publisher, 'outage', seq);
    const sendsAtStart = broken.sends();
    await until('the relay to measure the backlog', () => backlog.state.pending === 5, 10_000);
    const refused = await record(publisher, 'outage', 5).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OutboxBackPressureError);
    expect(refused).toMatchObject({ code: 'OUTBOX.BACK_PRESSURE', retryAfterSeconds: 7 });

    await new Promise((r) => setTimeout(r, 8_000)); // well past the 3 s idle-in-transaction timeout
    expect(broken.sends() - sendsAtStart).toBeGreaterThan(3); // tried again and again, not stuck
    expect(await session()).toEqual(before);

    broken.down(false);
    await until('the backlog to drain', async () => (await rows<{ n: number }>(`select count(*)::int as n from "${f.schema}"."outbox" where sent_at is null`))[0].n === 0, 30_000);
    expect(await session()).toEqual(before); // the same session, with its 16 locks, all along
    await until('the relay to measure the drained backlog', () => backlog.state.pending === 0, 10_000);
    await record(publisher, 'outage', 5);
    expect((await rows<{ n: number }>(`select count(*)::int as n from "${f.schema}"."outbox_dead_letter" where aggregate_key = 'outage'`))[0].n).toBe(0);
    await withClient(testInfra().admin, (c) => c.query(`alter role "${f.runtime.user}" reset idle_in_transaction_session_timeout`));
  });

  it('refuses writes once the oldest pending event is older than the age limit, though few are pending', async () => {
    const backlog = new OutboxBacklog(f.schema, { maxPending: 1_000, maxAgeSeconds: 2 });
    const publisher = new OutboxPublisher('trading', f.schema, f.inst.topicPrefix, backlog);
    const broken = breakableKafka('relay-age');
    relay = new OutboxRelay({ connection: f.runtime, schema: f.schema, kafka: broken.kafka, logger: silentLogger, backlog, maxBackoffMs: 500 });
    broken.down(true);
    await relay.start();
    await record(publisher, 'aged', 0);
    await until('the write to be refused for age', async () => (await record(publisher, 'aged', 1).then(() => false, (e: unknown) => e instanceof OutboxBackPressureError)), 20_000);
    expect(backlog.state.oldestAgeSeconds).toBeGreaterThanOrEqual(2);
    broken.down(false);
    await until('writes to be accepted again', async () => record(publisher, 'aged', 2).then(() => true, () => false), 20_000);
  });
});
