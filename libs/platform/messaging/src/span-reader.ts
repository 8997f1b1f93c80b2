import type { KafkaMessage } from 'kafkajs';
import type { Kafka } from './kafka';

/** Offsets `[from, to)` of one partition. */
export interface PartitionSpan {
  topic: string;
  partition: number;
  from: bigint;
  to: bigint;
}

export interface ReadMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

export class SpanReadTimeoutError extends Error {
  override name = 'SpanReadTimeoutError';
}

export interface ReadSpansOptions {
  /** A group of its own, used once: nothing is committed under it, so nothing of it outlives the read. */
  groupId: string;
  spans: PartitionSpan[];
  keep(m: ReadMessage): boolean;
  /** A span stops once it kept this many messages. */
  perSpanLimit?: number;
  timeoutMs?: number;
}

/**
 * Reads given offset ranges of partitions. kafkajs cannot assign partitions without a group, so a
 * throwaway group joins, seeks each partition to its span and pauses it once the span is read.
 * Give every partition of a topic a span (an empty one to skip it): partitions without one are
 * read and ignored. Topics with nothing to read are not joined at all.
 */
export async function readSpans(kafka: Kafka, o: ReadSpansOptions): Promise<ReadMessage[]> {
  const open = new Map(o.spans.filter((s) => s.from < s.to).map((s) => [`${s.topic}:${s.partition}`, { span: s, kept: [] as ReadMessage[] }]));
  if (open.size === 0) return [];
  const limit = o.perSpanLimit ?? Infinity;
  const topics = [...new Set([...open.values()].map((s) => s.span.topic))];
  const consumer = kafka.consumer({ groupId: o.groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100, retry: { retries: 3 } });
  const kept: ReadMessage[] = [];
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const read = async () => {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}:${batch.partition}`;
        const s = open.get(key);
        if (!s) return;
        let done = false;
        for (const message of batch.messages) {
          const offset = BigInt(message.offset);
          if (offset < s.span.from) continue; // fetched before the seek applied
          const m = { topic: batch.topic, partition: batch.partition, message };
          if (offset < s.span.to && o.keep(m)) s.kept.push(m);
          if (offset >= s.span.to - 1n || s.kept.length >= limit) {
            done = true;
            break;
          }
        }
        if (!done) return;
        open.delete(key);
        kept.push(...s.kept);
        consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
        if (open.size === 0) finish();
      },
    });
    for (const topic of topics) {
      const idle = o.spans.filter((s) => s.topic === topic && s.from >= s.to).map((s) => s.partition);
      if (idle.length) consumer.pause([{ topic, partitions: idle }]);
    }
    for (const { span } of open.values()) consumer.seek({ topic: span.topic, partition: span.partition, offset: String(span.from) });
    await finished;
  };
  const timeoutMs = o.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SpanReadTimeoutError(`reading ${topics.join(', ')} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  const crashed = new Promise<never>((_, reject) => consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error)));
  try {
    await Promise.race([read(), deadline, crashed]);
    return kept;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
}
