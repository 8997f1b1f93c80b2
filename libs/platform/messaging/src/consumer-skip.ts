import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { dlqOf } from '@alphintra/contracts';
import { ConsumerAttempts } from './consumer-attempts';
import type { Kafka } from './kafka';
import { KafkaOffsets } from './kafka-offsets';
import { readSpans } from './span-reader';

export class SkipRefusedError extends Error {
  override name = 'SkipRefusedError';
}

export interface SkipOptions {
  kafka: Kafka;
  orm: MikroORM;
  schema: string;
  groupId: string;
  topic: string;
  partition: number;
  offset: bigint;
  /** Who skipped it, for the dead letter's error header. */
  by: string;
}

export interface SkipResult {
  /** Where the group was, and where it is now. */
  from: bigint;
  to: bigint;
  /** Tries the consumer had recorded for the message. */
  attempts: number;
}

/**
 * Moves a consumer group past one message of a partition, dead-lettering it as the consumer would
 * (so it can be listed and redriven later). Only with no live member in the group (Kafka refuses
 * to move a live group's offsets, and a live consumer could be in the middle of it), and only when
 * every message before it is known to be finished: the group's committed offset is the message, or
 * the consumer's attempt record says the unfinished range starts at it.
 */
export async function skipMessage(o: SkipOptions): Promise<SkipResult> {
  const admin = o.kafka.admin();
  const offsets = new KafkaOffsets(o.kafka, 5);
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([o.groupId]);
    const members = groups[0]?.members.length ?? 0;
    if (members > 0) throw new SkipRefusedError(`${o.groupId} has ${members} live member(s); stop the service's replicas first`);
    const mark = (await offsets.watermarks(o.topic)).find((w) => w.partition === o.partition);
    if (!mark) throw new SkipRefusedError(`${o.topic} has no partition ${o.partition}`);
    if (o.offset < mark.low || o.offset >= mark.high) throw new SkipRefusedError(`${o.topic}/${o.partition} holds offsets ${mark.low}..${mark.high - 1n}, not ${o.offset}`);
    const [committed] = (await admin.fetchOffsets({ groupId: o.groupId, topics: [o.topic] })).flatMap((t) => t.partitions.filter((p) => p.partition === o.partition));
    const at = committed && BigInt(committed.offset) >= 0n ? BigInt(committed.offset) : mark.low;
    const unfinished = await new ConsumerAttempts(o.orm, o.schema, o.groupId).unfinished(o.topic, o.partition);
    if (at > o.offset) throw new SkipRefusedError(`${o.groupId} is past ${o.offset} already (at ${at})`);
    if (at < o.offset && unfinished?.first !== o.offset) {
      throw new SkipRefusedError(`${o.groupId} is at ${at}: ${at}..${o.offset - 1n} are not known to be handled, and skipping ${o.offset} would skip them too`);
    }
    const attempts = unfinished && unfinished.first <= o.offset && o.offset <= unfinished.last ? unfinished.attempts : 0;
    const spans = (await offsets.watermarks(o.topic)).map((w) => ({ topic: o.topic, partition: w.partition, from: o.offset, to: w.partition === o.partition ? o.offset + 1n : o.offset }));
    const [read] = await readSpans(o.kafka, { groupId: `${o.groupId}.skip.${randomUUID()}`, spans, keep: () => true });
    if (!read) throw new SkipRefusedError(`could not read ${o.topic}/${o.partition} at ${o.offset}`);
    const producer = o.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const { key, value, headers } = read.message;
      await producer.send({
        topic: dlqOf(o.topic),
        acks: -1,
        messages: [
          {
            key,
            value,
            headers: {
              ...headers,
              dlq_error: `SkippedByOperator: skipped by ${o.by}`,
              dlq_original_topic: o.topic,
              dlq_original_partition: String(o.partition),
              dlq_original_offset: String(o.offset),
              dlq_consumer_group: o.groupId,
              dlq_attempts: String(attempts),
              dlq_failed_at: new Date().toISOString(),
            },
          },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    await admin.setOffsets({ groupId: o.groupId, topic: o.topic, partitions: [{ partition: o.partition, offset: String(o.offset + 1n) }] });
    return { from: at, to: o.offset + 1n, attempts };
  } finally {
    await admin.disconnect();
    await offsets.close();
  }
}
