import { randomUUID } from 'node:crypto';
import { dlqOf, ProbeRecorded, TOPICS } from '@alphintra/contracts';
import { loadEnv } from '@alphintra/platform-config';
import { migrateService, serviceDatabaseEnv } from '@alphintra/platform-database';
import { KafkaOffsets, messagingMigration, messagingResilienceMigration, newEvent, readSpans, toHeaders, type CloudEvent } from '@alphintra/platform-messaging';
import { createTestTopics, provisionTestInstallation, testKafka, withClient, type TestInstallation } from '@alphintra/testing';
import { consumerCommand, parseConsumerArgs } from './consumer.command';
import { UsageError } from './migrate-topology.command';

describe('ops consumer skip', () => {
  let inst: TestInstallation;
  let env: NodeJS.ProcessEnv;
  let topic: string;
  let group: string;
  let events: CloudEvent[];
  const kafka = testKafka('ops-consumer-test');
  const offsets = new KafkaOffsets(kafka, 5);

  const skip = async (offset: number) => {
    const out: string[] = [];
    const code = await consumerCommand(['skip', '--service', 'risk', '--topic', topic, '--partition', '0', '--offset', String(offset)], env, (l) => void out.push(l));
    return { code, out: out.join('\n') };
  };
  const committed = async () => {
    const admin = kafka.admin();
    await admin.connect();
    const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    await admin.disconnect();
    return t!.partitions.find((p) => p.partition === 0)!.offset;
  };
  const deadLetters = async () => {
    const spans = (await offsets.watermarks(dlqOf(topic))).map((w) => ({ topic: dlqOf(topic), partition: w.partition, from: w.low, to: w.high }));
    const read = await readSpans(kafka, { groupId: `ops-test-${randomUUID()}`, spans, keep: () => true });
    return read.map(({ message: { headers: h } }) => ({
      eventId: h?.ce_id?.toString(),
      error: h?.dlq_error?.toString(),
      attempts: h?.dlq_attempts?.toString(),
      offset: h?.dlq_original_offset?.toString(),
      group: h?.dlq_consumer_group?.toString(),
    }));
  };

  beforeAll(async () => {
    inst = await provisionTestInstallation('separate', ['risk']);
    await createTestTopics(inst.topicPrefix);
    env = { ...inst.envFor('risk'), USER: 'tester' };
    const db = loadEnv(serviceDatabaseEnv('risk'), env);
    await migrateService({ service: 'risk', connection: db.owner!, entities: [], migrations: [messagingMigration('risk_data'), messagingResilienceMigration('risk_data')] });
    topic = inst.topicPrefix + ProbeRecorded.topic;
    group = `${inst.topicPrefix}risk-service`;
    events = Array.from({ length: 6 }, (_, i) => newEvent(ProbeRecorded, '/test', 'k', { key: 'k', seq: i }));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: events.map((e) => ({ partition: 0, key: e.subject, value: JSON.stringify(e.data), headers: toHeaders(e) })) });
    await producer.disconnect();
  });
  afterAll(async () => {
    await offsets.close();
    await inst?.drop();
  });

  it('refuses while the group has a live member', async () => {
    const member = kafka.consumer({ groupId: group });
    const joined = new Promise((r) => member.on(member.events.GROUP_JOIN, r));
    await member.connect();
    await member.subscribe({ topics: [inst.topicPrefix + TOPICS.platformProbe + '.dlq'] });
    await member.run({ eachMessage: async () => undefined });
    await joined;
    try {
      expect(await skip(0)).toEqual({ code: 2, out: expect.stringMatching(/^refused: \S+ has 1 live member\(s\); stop the service's replicas first; nothing was changed$/) });
    } finally {
      await member.disconnect();
    }
    expect(await deadLetters()).toEqual([]);
  });

  it('dead-letters the message the group is at and moves it past, and refuses what would skip more', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '2' }] });
    await admin.disconnect();

    expect(await skip(3)).toEqual({ code: 2, out: expect.stringMatching(/is at 2: 2\.\.2 are not known to be handled/) });
    expect(await skip(2)).toEqual({ code: 0, out: `dead-lettered ${topic}/0@2 (attempts 0); ${group} moved from 2 to 3` });
    expect(await committed()).toBe('3');
    expect(await skip(1)).toEqual({ code: 2, out: expect.stringMatching(/is past 1 already \(at 3\)/) });
    expect(await skip(99)).toEqual({ code: 2, out: expect.stringMatching(/holds offsets 0\.\.5, not 99/) });
    expect(await deadLetters()).toEqual([{ eventId: events[2]!.id, error: 'SkippedByOperator: skipped by ops:tester', attempts: '0', offset: '2', group }]);
  });

  it("skips ahead of the group's offset to where the consumer's record says the unfinished message is", async () => {
    // as the consumer leaves it after crashing twice on offset 4 with 3 handled but not yet committed
    await withClient(loadEnv(serviceDatabaseEnv('risk'), env).runtime, (c) =>
      c.query(`insert into "risk_data"."consumer_attempt" values ($1, $2, 0, 4, 4, 2, now())`, [group, topic]),
    );
    expect(await skip(4)).toEqual({ code: 0, out: `dead-lettered ${topic}/0@4 (attempts 2); ${group} moved from 3 to 5` });
    expect(await committed()).toBe('5');
    expect((await deadLetters()).map((d) => [d.eventId, d.attempts])).toEqual([
      [events[2]!.id, '0'],
      [events[4]!.id, '2'],
    ]);
  });

  it('names what is wrong with the arguments', () => {
    expect(() => parseConsumerArgs(['skip', '--service', 'risk', '--topic', 't', '--partition', '0'])).toThrow(new UsageError('--offset must be a whole number'));
    expect(() => parseConsumerArgs(['rewind', '--service', 'risk'])).toThrow(/consumer needs skip, got rewind/);
    expect(() => parseConsumerArgs(['skip', '--service', 'payments'])).toThrow(/--service must be one of/);
    expect(() => parseConsumerArgs(['skip', '--service', 'risk', '--partition', '0', '--offset', '1'])).toThrow(/--topic is required/);
    expect(parseConsumerArgs(['skip', '--service', 'risk', '--topic', 't', '--partition', '2', '--offset', '17'])).toEqual({ service: 'risk', topic: 't', partition: 2, offset: 17n });
  });
});
