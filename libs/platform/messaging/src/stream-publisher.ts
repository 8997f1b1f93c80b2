import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import type { EventContract, EventData } from '@alphintra/contracts';
import { newEvent, toHeaders } from './envelope';
import type { MessagingLogger } from './logger';

export interface StreamPublisherOptions {
  kafka: Kafka;
  /** CloudEvents source: `/alphintra/<service>`. */
  source: string;
  topicPrefix?: string;
  logger: MessagingLogger;
  /** Pending messages are sent together this often. */
  flushIntervalMs?: number;
  /** Pending messages beyond this are dropped, oldest first (and counted). */
  maxPending?: number;
}

interface Pending {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * Publishes high-volume observations (quotes, bars, last prices) straight to Kafka, not through the
 * outbox: nothing is stored first, so an event is lost if the process dies before the broker has it
 * (ADR 0024). Events are validated against their contract here, like any other. Pending events go out
 * in one batch per interval on an idempotent producer, so one key's events keep their order;
 * `latestOnly` keeps only the newest pending event of a key (a later quote supersedes an earlier one).
 * A failed batch is put back in front and tried again at the next interval, within `maxPending`.
 */
export class StreamPublisher {
  private producer?: Producer;
  private queue: Pending[] = [];
  private latest = new Map<string, Pending>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  published = 0;
  dropped = 0;
  failures = 0;

  constructor(private readonly o: StreamPublisherOptions) {}

  publish<C extends EventContract>(contract: C, key: string, data: EventData<C>, opts: { latestOnly?: boolean; time?: Date } = {}): void {
    const e = newEvent(contract, this.o.source, key, data, { time: opts.time });
    const m = { topic: (this.o.topicPrefix ?? '') + contract.topic, key, value: JSON.stringify(e.data), headers: toHeaders(e) };
    if (opts.latestOnly) this.latest.set(`${m.topic}\u0000${key}`, m);
    else this.queue.push(m);
    this.bound();
    this.timer ??= setTimeout(() => void this.flush(), this.o.flushIntervalMs ?? 100);
  }

  get pending(): number {
    return this.queue.length + this.latest.size;
  }

  /** Sends what is pending now; resolves once the broker acknowledged it or the attempt failed. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing ??= this.send().finally(() => {
      this.flushing = undefined;
      if (this.pending && !this.timer) this.timer = setTimeout(() => void this.flush(), this.o.flushIntervalMs ?? 100);
    });
    return this.flushing;
  }

  /** Sends what is pending (one attempt) and disconnects. */
  async close(): Promise<void> {
    await this.flushing;
    if (this.pending) await this.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  private async send(): Promise<void> {
    const queued = this.queue;
    const latest = [...this.latest];
    const batch = [...queued, ...latest.map(([, m]) => m)];
    this.queue = [];
    this.latest.clear();
    if (!batch.length) return;
    try {
      const producer = await this.connected();
      const byTopic = new Map<string, Pending[]>();
      for (const m of batch) (byTopic.get(m.topic) ?? byTopic.set(m.topic, []).get(m.topic)!).push(m);
      await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages: messages.map(({ key, value, headers }) => ({ key, value, headers })) })),
      });
      this.published += batch.length;
    } catch (err) {
      this.failures++;
      this.o.logger.warn({ err, messages: batch.length }, 'stream publish failed; retrying with the next batch');
      this.queue = [...queued, ...this.queue];
      for (const [k, m] of latest) if (!this.latest.has(k)) this.latest.set(k, m);
      this.bound();
    }
  }

  private bound(): void {
    const max = this.o.maxPending ?? 100_000;
    const over = this.pending - max;
    if (over > 0) {
      this.queue.splice(0, over);
      this.dropped += over;
    }
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.o.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    this.producer = producer;
    return producer;
  }
}
