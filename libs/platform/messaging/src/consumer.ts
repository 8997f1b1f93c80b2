import type { Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { dlqOf, type EventContract, type EventData } from '@alphintra/contracts';
import { fromMessage, MalformedEventError, type CloudEvent } from './envelope';
import type { Kafka } from './kafka';
import type { MessagingLogger } from './logger';

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
}

export interface ConsumerStats {
  handled: number;
  duplicates: number;
  deadLettered: number;
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
      maxWaitTimeInMs: 50,
      retry: { retries: 10 },
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics, fromBeginning: this.o.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.o.partitionsConsumedConcurrently ?? 3,
      eachBatch: (p) => this.onBatch(p),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.dlqProducer?.disconnect();
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    for (const message of batch.messages) {
      if (!isRunning() || isStale()) return;
      await this.process(batch.topic, batch.partition, message);
      resolveOffset(message.offset);
      await heartbeat();
    }
  }

  private async process(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    let event: CloudEvent;
    let handler: EventHandler | undefined;
    try {
      event = fromMessage(message);
      handler = this.byType.get(`${event.type}@${event.version}`);
      if (!handler) return; // another type of this entity's topic, not ours
      const parsed = handler.contract.schema.safeParse(event.data);
      if (!parsed.success) throw new MalformedEventError(`data does not match ${event.type} v${event.version}: ${parsed.error.message}`);
      event = { ...event, data: parsed.data };
    } catch (err) {
      if (!(err instanceof MalformedEventError)) throw err;
      return this.deadLetter(topic, partition, message, err, 1);
    }
    const maxAttempts = this.o.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        const fresh = await this.apply(event, handler);
        if (fresh) this.stats.handled++;
        else this.stats.duplicates++;
        return;
      } catch (err) {
        if (attempt >= maxAttempts) return this.deadLetter(topic, partition, message, err as Error, attempt);
        this.o.logger.warn({ err, eventId: event.id, type: event.type, attempt }, 'event handler failed; retrying');
        await sleep(Math.min((this.o.backoffMs ?? 200) * 2 ** (attempt - 1), 10_000));
      }
    }
  }

  private async apply(event: CloudEvent, handler: EventHandler): Promise<boolean> {
    return this.o.orm.em.fork().transactional(async (em) => {
      const inserted = await em.execute<{ event_id: string }[]>(
        `insert into "${this.o.schema}"."inbox" ("event_id", "consumer", "event_type") values (?, ?, ?)
         on conflict do nothing returning "event_id"`,
        [event.id, this.o.groupId, event.type],
        'all',
      );
      if (inserted.length === 0) return false;
      await handler.handle(event, em);
      return true;
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
    this.stats.deadLettered++;
  }
}
