import { randomBytes } from 'node:crypto';
import { ALL_TOPICS, type EventContract, type EventData } from '@alphintra/contracts';
import { createKafka, ensureTopics, newEvent, toHeaders, type CloudEvent, type Kafka } from '@alphintra/platform-messaging';

type Producer = ReturnType<Kafka['producer']>;

/**
 * The run's Kafka under a topic prefix of its own, and CloudEvents sent as their producers send them.
 * Topics get one partition (events of a test keep the order they were sent in), except those the
 * contracts give more (quotes and bars: only one symbol's events keep their order).
 */
export class StreamEvents {
  readonly prefix = `t${randomBytes(4).toString('hex')}.`;
  readonly brokers = process.env.ALPHINTRA_KAFKA_BROKERS!;
  private readonly kafka = createKafka({ brokers: this.brokers.split(','), clientId: 'gateway-stream-test' });
  private producer?: Producer;

  async start(): Promise<void> {
    await ensureTopics(this.kafka, ALL_TOPICS.map((t) => ({ name: this.prefix + t, partitions: 1, replicationFactor: 1, retentionMs: 3_600_000 })));
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  get env(): Record<string, string> {
    return { KAFKA_BROKERS: this.brokers, KAFKA_TOPIC_PREFIX: this.prefix };
  }

  /** Publishes events of one contract in one batch, in order; returns them (their ids). */
  async publish<C extends EventContract>(contract: C, items: { key: string; data: EventData<C> }[]): Promise<CloudEvent[]> {
    const events = items.map(({ key, data }) => newEvent(contract, '/alphintra/test', key, data));
    await this.producer!.send({
      topic: this.prefix + contract.topic,
      acks: -1,
      messages: events.map((e, i) => ({ key: items[i]!.key, value: JSON.stringify(e.data), headers: toHeaders(e) })),
    });
    return events;
  }

  async publishOne<C extends EventContract>(contract: C, key: string, data: EventData<C>): Promise<CloudEvent> {
    return (await this.publish(contract, [{ key, data }]))[0]!;
  }

  /** A raw message on a contract's topic (a malformed one, for instance). */
  async publishRaw(contract: EventContract, key: string, value: string, headers: Record<string, string>): Promise<void> {
    await this.producer!.send({ topic: this.prefix + contract.topic, acks: -1, messages: [{ key, value, headers }] });
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
  }
}
