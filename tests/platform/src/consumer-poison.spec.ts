import type { ChildProcess } from 'node:child_process';
import { dlqOf, ProbeRecorded } from '@alphintra/contracts';
import { newEvent, toHeaders, type Kafka } from '@alphintra/platform-messaging';
import { createTestTopics, testKafka } from '@alphintra/testing';
import type { Consumer, IHeaders, Producer } from 'kafkajs';
import { messagingFixture, spawnConsumer, until, type MessagingFixture } from './fixtures';

const header = (h: IHeaders | undefined, k: string) => h?.[k]?.toString();
const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode ? r() : c.once('exit', () => r())));

describe('a message that kills the consumer process', () => {
  let f: MessagingFixture;
  let kafka: Kafka;
  let producer: Producer;
  let dlqReader: Consumer;
  let child: ChildProcess | undefined;
  const dead: { eventId?: string; attempts?: string; error?: string; offset?: string }[] = [];

  beforeAll(async () => {
    f = await messagingFixture('risk', [`create table "risk_data"."seen" ("id" bigserial primary key, "key" text not null, "seq" int not null)`]);
    await createTestTopics(f.inst.topicPrefix);
    kafka = testKafka('consumer-poison-test');
    producer = kafka.producer();
    await producer.connect();
    dlqReader = kafka.consumer({ groupId: `${f.inst.id}-dlq-reader` });
    await dlqReader.connect();
    await dlqReader.subscribe({ topic: dlqOf(f.inst.topicPrefix + ProbeRecorded.topic), fromBeginning: true });
    await dlqReader.run({
      eachMessage: async ({ message: m }) =>
        void dead.push({ eventId: header(m.headers, 'ce_id'), attempts: header(m.headers, 'dlq_attempts'), error: header(m.headers, 'dlq_error'), offset: header(m.headers, 'dlq_original_offset') }),
    });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await Promise.all([producer?.disconnect(), dlqReader?.disconnect()]);
    await f?.close();
  });

  it('is dead-lettered after 3 crashes across restarts, and the messages after it are handled exactly once', async () => {
    const topic = f.inst.topicPrefix + ProbeRecorded.topic;
    const events = Array.from({ length: 10 }, (_, i) => newEvent(ProbeRecorded, '/test', 'account-1', { key: i === 4 ? 'poison' : 'good', seq: i + 1 }));
    // one key, so one partition: "the partition moves on" is about the messages behind the poison
    await producer.send({ topic, acks: -1, messages: events.map((e) => ({ key: e.subject, value: JSON.stringify(e.data), headers: toHeaders(e) })) });

    const groupId = `${f.inst.id}-risk`;
    const seen = () => f.orm.em.fork().execute<{ seq: number }[]>(`select "seq" from "${f.schema}"."seen" order by "id"`);
    let crashes = 0;
    for (let run = 0; run < 6; run++) {
      const c = spawnConsumer(f, groupId, 3);
      child = c;
      const done = until('the poison dead-lettered and the rest handled', async () => dead.length > 0 && (await seen()).length >= 9, 90_000);
      const outcome = await Promise.race([exited(c).then(() => 'exited' as const), done.then(() => 'done' as const)]);
      if (outcome === 'done') break;
      expect(c.signalCode).toBe('SIGKILL');
      crashes++;
    }
    child!.kill('SIGTERM');
    await exited(child!);

    expect(crashes).toBe(3);
    expect(dead).toEqual([{ eventId: events[4]!.id, attempts: '3', error: expect.stringMatching(/^ConsumerCrashError: the consumer went down 3 time\(s\)/), offset: expect.any(String) }]);
    expect((await seen()).map((r) => r.seq)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10]);
    const inbox = await f.orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from "${f.schema}"."inbox" where "consumer" = ?`, [groupId]);
    expect(inbox[0]!.n).toBe(9);
  });
});
