import { randomUUID } from 'node:crypto';
import type { Consumer, KafkaMessage } from 'kafkajs';
import type { EventContract, EventData } from '@alphintra/contracts';
import { fromMessage, MalformedEventError, type CloudEvent } from './envelope';
import type { Kafka } from './kafka';
import type { MessagingLogger } from './logger';

const YIELD_EVERY = 100;

/** A decoded event with the contract it matched; `data` has passed that contract's schema. */
export interface SubscribedEvent<C extends EventContract = EventContract> {
  contract: C;
  event: CloudEvent<EventData<C>>;
  topic: string;
}

export interface TopicSubscriberOptions {
  kafka: Kafka;
  /** Names this subscriber's consumer group: `<topicPrefix><name>-<random>`, one group per instance. */
  name: string;
  contracts: EventContract[];
  /** Synchronous, so a batch is done when the last call returns; what it throws is logged and the message skipped. */
  onEvent(e: SubscribedEvent): void;
  logger: MessagingLogger;
  topicPrefix?: string;
  /** Bytes one fetch brings in at most, over all partitions: the subscriber's memory bound. */
  maxBytes?: number;
  maxWaitTimeInMs?: number;
}

export interface TopicSubscriberStats {
  delivered: number;
  malformed: number;
  failed: number;
}

/**
 * Every message of some topics to every instance (fan-out of observations and read models, no
 * inbox): each instance is alone in a consumer group of its own, starts at the latest offset and
 * never commits, so Kafka keeps nothing for it once it leaves, and a rejoin starts at the latest
 * again. Nothing is buffered here: the next fetch waits until `onEvent` has seen the batch.
 * Every 100 messages it yields to the event loop, so what `onEvent` wrote can leave.
 * A message that is not a CloudEvent or does not match its contract is logged (at most once a
 * second, with a count) and skipped; other event types of the same topics are ignored.
 */
export class TopicSubscriber {
  private consumer?: Consumer;
  private readonly byType = new Map<string, EventContract>();
  private readonly groupId: string;
  private lastWarning = 0;
  private unreported = 0;
  private onStop?: () => void;
  readonly stats: TopicSubscriberStats = { delivered: 0, malformed: 0, failed: 0 };

  constructor(private readonly o: TopicSubscriberOptions) {
    for (const c of o.contracts) this.byType.set(`${c.type}@${c.version}`, c);
    this.groupId = `${o.topicPrefix ?? ''}${o.name}-${randomUUID()}`;
  }

  get topics(): string[] {
    return [...new Set(this.o.contracts.map((c) => (this.o.topicPrefix ?? '') + c.topic))];
  }

  /** Resolves once the group is joined and the first fetch has placed every partition at its latest offset (or `stop()` was called). */
  async start(): Promise<void> {
    const consumer = this.o.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 15_000,
      heartbeatInterval: 1_000,
      maxBytes: this.o.maxBytes ?? 4 * 1_048_576,
      maxBytesPerPartition: Math.min(this.o.maxBytes ?? 4 * 1_048_576, 1_048_576),
      maxWaitTimeInMs: this.o.maxWaitTimeInMs ?? 250,
      retry: { retries: 10 },
    });
    this.consumer = consumer;
    const stopped = new Promise<void>((resolve) => (this.onStop = resolve));
    const joined = new Promise<void>((resolve) => {
      let inGroup = false;
      const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => (inGroup = true));
      const offFetch = consumer.on(consumer.events.FETCH, () => {
        if (!inGroup) return;
        offJoin();
        offFetch();
        resolve();
      });
    });
    // a stop() during any step below leaves this consumer to be disconnected here
    const abandoned = async () => this.consumer !== consumer && (await consumer.disconnect(), true);
    await consumer.connect();
    if (await abandoned()) return;
    await this.subscribe(consumer);
    if (await abandoned()) return;
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch }) => {
        for (let i = 0; i < batch.messages.length; i++) {
          this.deliver(batch.topic, batch.messages[i]!);
          // lets sockets written to drain between slices of a large batch (a subscriber catching up)
          if (i % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((r) => setImmediate(r));
        }
      },
    });
    if (await abandoned()) return;
    await Promise.race([joined, stopped]);
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.onStop?.();
    await consumer?.disconnect();
  }

  /** Topics created moments ago can be unknown to the broker for a while; that is retriable. */
  private async subscribe(consumer: Consumer, attempts = 10): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await consumer.subscribe({ topics: this.topics, fromBeginning: false });
      } catch (err) {
        if (attempt >= attempts || !(err as { retriable?: boolean }).retriable) throw err;
        await new Promise((r) => setTimeout(r, 250 * attempt));
      }
    }
  }

  private deliver(topic: string, message: KafkaMessage): void {
    let decoded: SubscribedEvent | undefined;
    try {
      const event = fromMessage(message);
      const contract = this.byType.get(`${event.type}@${event.version}`);
      if (!contract) return;
      const parsed = contract.schema.safeParse(event.data);
      if (!parsed.success) throw new MalformedEventError(`data does not match ${event.type} v${event.version}: ${parsed.error.message}`);
      decoded = { contract, event: { ...event, data: parsed.data }, topic };
    } catch (err) {
      this.stats.malformed++;
      this.warn(err, topic, message);
      return;
    }
    try {
      this.o.onEvent(decoded);
      this.stats.delivered++;
    } catch (err) {
      this.stats.failed++;
      this.warn(err, topic, message);
    }
  }

  private warn(err: unknown, topic: string, message: KafkaMessage): void {
    this.unreported++;
    const now = Date.now();
    if (now - this.lastWarning < 1_000) return;
    this.o.logger.warn({ err, topic, offset: message.offset, skipped: this.unreported }, 'subscribed message skipped');
    this.lastWarning = now;
    this.unreported = 0;
  }
}
