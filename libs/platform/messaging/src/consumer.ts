import type { Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { dlqOf, type EventContract, type EventData } from '@alphintra/contracts';
import { fromMessage, MalformedEventError, type CloudEvent } from './envelope';
import type { Kafka } from './kafka';
import type { MessagingLogger } from './logger';
import { inProcessSpan } from './tracing';

export interface EventHandler<C extends EventContract = EventContract> {
  contract: C;
  /** Runs inside the transaction that also records the event id in the inbox. */
  handle(event: CloudEvent<EventData<C>>, em: EntityManager): Promise<void>;
}

export const onEvent = <C extends EventContract>(contract: C, handle: EventHandler<C>['handle']): EventHandler =>
  ({ contract, handle }) as EventHandler;

export interface EventConsumerOptions {
  kafka: Kafka;
  orm: MikroORM;
  schema: string;
  groupId: string;
  handlers: EventHandler[];
  logger: MessagingLogger;
  topicPrefix?: string;
  maxAttempts?: number;
  backoffMs?: number;
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  /** Messages applied in one transaction on the fast path. */
  chunkSize?: number;
  /** How long the broker holds an empty fetch. */
  maxWaitTimeInMs?: number;
  /** Told of every outcome, per topic (metrics). */
  observer?: ConsumerObserver;
}

export type ConsumerOutcome = 'handled' | 'duplicate' | 'dead_lettered';

export interface ConsumerObserver {
  counted(outcome: ConsumerOutcome, topic: string, n: number): void;
}

export interface ConsumerStats {
  handled: number;
  duplicates: number;
  deadLettered: number;
}

interface Decoded {
  message: KafkaMessage;
  handler: EventHandler;
  event: CloudEvent;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Consumes events with exactly-once effects: the handler's writes and the inbox row commit in
 * one transaction, so a redelivered event has no second effect. A message that is malformed
 * goes straight to `<topic>.dlq`; one whose handler keeps failing goes there after bounded
 * retries with exponential backoff. Offsets are resolved only after the effect committed or
 * the message was dead-lettered, so a crash re-delivers rather than loses.
 */
export class EventConsumer {
  private consumer?: Consumer;
  private dlqProducer?: Producer;
  private readonly byType = new Map<string, EventHandler>();
  readonly stats: ConsumerStats = { handled: 0, duplicates: 0, deadLettered: 0 };

  constructor(private readonly o: EventConsumerOptions) {
    for (const h of o.handlers) this.byType.set(`${h.contract.type}@${h.contract.version}`, h);
  }

  get topics(): string[] {
    return [...new Set(this.o.handlers.map((h) => (this.o.topicPrefix ?? '') + h.contract.topic))];
  }

  async start(): Promise<void> {
    this.dlqProducer = this.o.kafka.producer({ allowAutoTopicCreation: false });
    await this.dlqProducer.connect();
    this.consumer = this.o.kafka.consumer({
      groupId: this.o.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: 15_000,
      heartbeatInterval: 1_000,
      // The broker answers a fetch as soon as a message arrives; the wait only bounds idle
      // polling, which at 50 ms cost Kafka and every service CPU with nothing to do.
      maxWaitTimeInMs: this.o.maxWaitTimeInMs ?? 500,
      retry: { retries: 10 },
    });
    await this.consumer.connect();
    await this.subscribe();
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.o.partitionsConsumedConcurrently ?? 3,
      eachBatch: (p) => this.onBatch(p),
    });
  }

  /** Topics created moments ago can be unknown to the broker for a while; that is retriable. */
  private async subscribe(attempts = 10): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.consumer!.subscribe({ topics: this.topics, fromBeginning: this.o.fromBeginning ?? true });
      } catch (err) {
        if (attempt >= attempts || !(err as { retriable?: boolean }).retriable) throw err;
        await sleep(250 * attempt);
      }
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.dlqProducer?.disconnect();
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const chunkSize = this.o.chunkSize ?? 200;
    for (let i = 0; i < batch.messages.length; i += chunkSize) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(i, i + chunkSize);
      await this.processChunk(batch.topic, batch.partition, chunk);
      resolveOffset(chunk[chunk.length - 1].offset);
      await heartbeat();
    }
  }

  /**
   * The fast path: the chunk's effects and inbox rows in one transaction. If anything in it
   * fails, the chunk is rolled back and replayed one message at a time, so retries and
   * dead-lettering apply to the failing message alone.
   */
  private async processChunk(topic: string, partition: number, chunk: KafkaMessage[]): Promise<void> {
    const valid: Decoded[] = [];
    for (const message of chunk) {
      const d = this.decode(message);
      if (d instanceof MalformedEventError) await this.deadLetter(topic, partition, message, d, 1);
      else if (d) valid.push(d);
    }
    if (valid.length === 0) return;
    try {
      const fresh = await this.applyAll(valid);
      this.count('handled', topic, fresh);
      this.count('duplicate', topic, valid.length - fresh);
    } catch (err) {
      this.o.logger.warn({ err, topic, partition, messages: valid.length }, 'event chunk failed; replaying one by one');
      for (const d of valid) await this.processOne(topic, partition, d);
    }
  }

  /** The envelope and data of a message, undefined when no handler wants it. */
  private decode(message: KafkaMessage): Decoded | MalformedEventError | undefined {
    try {
      const event = fromMessage(message);
      const handler = this.byType.get(`${event.type}@${event.version}`);
      if (!handler) return undefined; // another type of this entity's topic, not ours
      const parsed = handler.contract.schema.safeParse(event.data);
      if (!parsed.success) return new MalformedEventError(`data does not match ${event.type} v${event.version}: ${parsed.error.message}`);
      return { message, handler, event: { ...event, data: parsed.data } };
    } catch (err) {
      if (err instanceof MalformedEventError) return err;
      throw err;
    }
  }

  private async processOne(topic: string, partition: number, d: Decoded): Promise<void> {
    const maxAttempts = this.o.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        const fresh = await this.applyAll([d]);
        this.count(fresh ? 'handled' : 'duplicate', topic, 1);
        return;
      } catch (err) {
        if (attempt >= maxAttempts) return this.deadLetter(topic, partition, d.message, err as Error, attempt);
        this.o.logger.warn({ err, eventId: d.event.id, type: d.event.type, attempt }, 'event handler failed; retrying');
        await sleep(Math.min((this.o.backoffMs ?? 200) * 2 ** (attempt - 1), 10_000));
      }
    }
  }

  /** Records the events in the inbox and applies the new ones, in one transaction; returns how many were new. */
  private async applyAll(items: Decoded[]): Promise<number> {
    return this.o.orm.em.fork().transactional(async (em) => {
      const inserted = await em.execute<{ event_id: string }[]>(
        `insert into "${this.o.schema}"."inbox" ("event_id", "consumer", "event_type")
         values ${items.map(() => '(?, ?, ?)').join(', ')}
         on conflict do nothing returning "event_id"`,
        items.flatMap((d) => [d.event.id, this.o.groupId, d.event.type]),
        'all',
      );
      const fresh = new Set(inserted.map((r) => r.event_id.toLowerCase()));
      for (const d of items) {
        if (!fresh.delete(d.event.id.toLowerCase())) continue; // seen before, or twice in this chunk
        const delivery = { topic: (this.o.topicPrefix ?? '') + d.handler.contract.topic, groupId: this.o.groupId, offset: d.message.offset };
        await inProcessSpan(d.event, delivery, () => d.handler.handle(d.event, em));
      }
      return inserted.length;
    });
  }

  private async deadLetter(topic: string, partition: number, message: KafkaMessage, err: Error, attempts: number): Promise<void> {
    this.o.logger.error({ err, topic, partition, offset: message.offset, attempts }, 'event dead-lettered');
    await this.dlqProducer!.send({
      topic: dlqOf(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            dlq_error: `${err.name}: ${err.message}`.slice(0, 2000),
            dlq_original_topic: topic,
            dlq_original_partition: String(partition),
            dlq_original_offset: message.offset,
            dlq_consumer_group: this.o.groupId,
            dlq_attempts: String(attempts),
            dlq_failed_at: new Date().toISOString(),
          },
        },
      ],
    });
    this.count('dead_lettered', topic, 1);
  }

  private count(outcome: ConsumerOutcome, topic: string, n: number): void {
    if (n === 0) return;
    if (outcome === 'handled') this.stats.handled += n;
    else if (outcome === 'duplicate') this.stats.duplicates += n;
    else this.stats.deadLettered += n;
    this.o.observer?.counted(outcome, topic, n);
  }
}
