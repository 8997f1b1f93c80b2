import { randomUUID } from 'node:crypto';
import { dlqOf, TOPICS } from '@alphintra/contracts';
import { loadEnv } from '@alphintra/platform-config';
import { migrateService, serviceDatabaseEnv } from '@alphintra/platform-database';
import { deadLetterRedrivesMigration, KafkaOffsets, messagingMigration, readSpans, type Kafka } from '@alphintra/platform-messaging';
import { createTestTopics, provisionTestInstallation, testKafka, type TestInstallation } from '@alphintra/testing';
import { deadLettersCommand, parseDeadLettersArgs } from './dead-letters.command';
import { UsageError } from './migrate-topology.command';

describe('ops dead-letters', () => {
  let inst: TestInstallation;
  let env: NodeJS.ProcessEnv;
  let producer: ReturnType<Kafka['producer']>;
  let offsets: KafkaOffsets;
  let topic: string;
  const kafka = () => testKafka('ops-dead-letters-test');

  const run = async (...args: string[]) => {
    const out: string[] = [];
    const code = await deadLettersCommand(args, env, (l) => void out.push(l));
    return { code, out };
  };
  /** What the original topic holds, as the consumers would read it. */
  const republished = async () => {
    const spans = (await offsets.watermarks(topic)).map((w) => ({ topic, partition: w.partition, from: w.low, to: w.high }));
    const read = await readSpans(kafka(), { groupId: `ops-test-${randomUUID()}`, spans, keep: () => true });
    return read.map((m) => ({ key: m.message.key?.toString(), value: m.message.value?.toString(), headers: Object.keys(m.message.headers ?? {}).sort() }));
  };

  beforeAll(async () => {
    inst = await provisionTestInstallation('separate', ['risk']);
    await createTestTopics(inst.topicPrefix);
    env = { ...inst.envFor('risk'), USER: 'tester' };
    await migrateService({ service: 'risk', connection: loadEnv(serviceDatabaseEnv('risk'), env).owner!, entities: [], migrations: [messagingMigration('risk_data'), deadLetterRedrivesMigration('risk_data')] });
    topic = inst.topicPrefix + TOPICS.platformProbe;
    producer = kafka().producer();
    await producer.connect();
    offsets = new KafkaOffsets(kafka());
    // as EventConsumer.deadLetter writes them: two of risk's group, one of another group between them
    const dead = (group: string, n: number) => ({
      key: `key-${n}`,
      value: JSON.stringify({ key: 'k', seq: n }),
      headers: { ce_id: randomUUID(), ce_type: 'platform.probe.recorded', dlq_error: `Error: failed ${n}`, dlq_original_topic: topic, dlq_original_partition: '1', dlq_original_offset: String(n), dlq_consumer_group: group, dlq_attempts: '5', dlq_failed_at: new Date().toISOString() },
    });
    await producer.send({ topic: dlqOf(topic), acks: -1, messages: [dead(`${inst.topicPrefix}risk-service`, 0), dead(`${inst.topicPrefix}user-service`, 1), dead(`${inst.topicPrefix}risk-service`, 2)] });
  });
  afterAll(async () => {
    await producer?.disconnect();
    await offsets?.close();
    await inst?.drop();
  });

  it("lists the service's dead letters only, with what went wrong", async () => {
    const { code, out } = await run('list', '--service', 'risk', '--json');
    expect(code).toBe(0);
    expect(out.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ id: `${dlqOf(topic)}:0:0`, topic, partition: 1, offset: '0', key: 'key-0', error: 'Error: failed 0', attempts: 5, redrivenAt: null }),
      expect.objectContaining({ id: `${dlqOf(topic)}:0:2`, key: 'key-2', error: 'Error: failed 2' }),
    ]);
    const text = await run('list', '--service', 'risk', '--topic', topic);
    expect(text.out).toEqual([expect.stringMatching(/^\S+:0:0\tplatform\.probe\.recorded\t\S+\tattempts=5\t\S+\tpending\tError: failed 0$/), expect.stringMatching(/:0:2\t/), '2 dead letter(s) of risk']);
  });

  it('redrives one by id, then the rest, each once, to the original topic without the dlq_ headers', async () => {
    expect(await run('redrive', '--service', 'risk', '--id', `${dlqOf(topic)}:0:0`)).toEqual({ code: 0, out: [`redriven 1: ${dlqOf(topic)}:0:0`, 'already redriven 0'] });
    expect(await run('redrive', '--service', 'risk', '--all')).toEqual({ code: 0, out: [`redriven 1: ${dlqOf(topic)}:0:2`, `already redriven 1: ${dlqOf(topic)}:0:0`] });
    expect(await run('redrive', '--service', 'risk', '--all', '--topic', topic)).toEqual({ code: 0, out: ['redriven 0', `already redriven 2: ${dlqOf(topic)}:0:0 ${dlqOf(topic)}:0:2`] });
    const messages = await republished();
    expect(messages.sort((a, b) => a.key!.localeCompare(b.key!))).toEqual([
      { key: 'key-0', value: '{"key":"k","seq":0}', headers: ['ce_id', 'ce_type'] },
      { key: 'key-2', value: '{"key":"k","seq":2}', headers: ['ce_id', 'ce_type'] },
    ]);
    const listed = await run('list', '--service', 'risk', '--json');
    expect(listed.out.map((l) => JSON.parse(l).redrivenAt)).toEqual([expect.any(String), expect.any(String)]);
  });

  it("refuses another group's dead letter and unknown ones, redriving nothing", async () => {
    const before = (await republished()).length;
    expect(await run('redrive', '--service', 'risk', '--id', `${dlqOf(topic)}:0:2`, '--id', `${dlqOf(topic)}:0:1`)).toEqual({
      code: 1,
      out: [`no dead letter of the consumer group at ${dlqOf(topic)}:0:1; nothing was redriven`],
    });
    expect((await run('redrive', '--service', 'risk', '--id', 'alphintra.nowhere.v1.dlq:0:0')).code).toBe(1);
    expect((await republished()).length).toBe(before);
  });

  it('names what is wrong with the arguments', () => {
    expect(() => parseDeadLettersArgs(['redrive', '--service', 'risk'])).toThrow(new UsageError('redrive needs either --id (one or more) or --all'));
    expect(() => parseDeadLettersArgs(['redrive', '--service', 'risk', '--all', '--id', 'x.dlq:0:0'])).toThrow(UsageError);
    expect(() => parseDeadLettersArgs(['list', '--service', 'payments'])).toThrow(/--service must be one of auth, /);
    expect(() => parseDeadLettersArgs(['purge', '--service', 'risk'])).toThrow(/needs list or redrive, got purge/);
    expect(() => parseDeadLettersArgs(['list', '--service', 'risk', '--bogus'])).toThrow(UsageError);
    expect(parseDeadLettersArgs(['redrive', '--service', 'risk', '--id', 'a.dlq:0:1', '--id', 'a.dlq:0:2'])).toMatchObject({ action: 'redrive', ids: ['a.dlq:0:1', 'a.dlq:0:2'], all: false });
  });
});
