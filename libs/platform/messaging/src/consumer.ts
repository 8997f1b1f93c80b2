import type { Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { dlqOf, type EventContract, type EventData } from '@alphintra/contracts';
import { ConsumerAttempts, type AttemptRange } from './consumer-attempts';
import { fromMessage, MalformedEventError, type CloudEvent } from './envelope';
import type { Kafka } from './kafka';
import type { MessagingLogger } from './logger';
import { inProcessSpan } from './tracing';
import { isTransient } from './transient';

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
  /** Tries of one message that crashed the process or failed for good before it is dead-lettered. */
  maxAttempts?: number;
  /** First wait between tries; doubles up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
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
  /** Waits on a failure that goes away by itself (connection loss, deadlock, ...). */
  transientRetries: number;
}

interface Decoded {
  message: KafkaMessage;
  handler: EventHandler;
  event: CloudEvent;
}

/** One partition's batch: where it is, and how to stay in the group while waiting. */
interface Lane {
  topic: string;
  partition: number;
  heartbeat(): Promise<void>;
  alive(): boolean;
  /** Commits `offset` (the next to read) to Kafka now. */
  commit(offset: bigint): Promise<void>;
}

/** The batch was given up (the consumer is stopping, or the partition went to another member). */
class LaneClosed extends Error {}

export class ConsumerCrashError extends Error {
  override name = 'ConsumerCrashError';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const offsetOf = (m: KafkaMessage) => BigInt(m.offset);

/**
 * Consumes events with exactly-once effects: the handler's writes and the inbox row commit in
 * one transaction, so a redelivered event has no second effect. Offsets are resolved only after
 * the effect committed or the message was dead-lettered, so a crash re-delivers rather than loses.
 *
 * Failures (ADR 0015): a malformed message goes straight to `<topic>.dlq`. A transient failure
 * (connection loss, serialization failure, deadlock) is waited out without limit and counts
 * for nothing. Every other failure, and a crash of the whole process, counts as an attempt of
 * the message: each chunk's offsets are recorded as begun before its handlers run, so after a
 * restart the unfinished range is replayed one message at a time, each try recorded, and a
 * message is dead-lettered once `maxAttempts` tries crashed or failed.
 */
export class EventConsumer {
  private consumer?: Consumer;
  private dlqProducer?: Producer;
  private readonly byType = new Map<string, EventHandler>();
  private readonly attempts: ConsumerAttempts;
  /** Per partition, the offset this process expects next; any other start is a redelivery. */
  private readonly expected = new Map<string, bigint>();
  /** Per partition, an unfinished range found after a redelivery, being replayed one by one. */
  private readonly suspects = new Map<string, AttemptRange>();
  readonly stats: ConsumerStats = { handled: 0, duplicates: 0, deadLettered: 0, transientRetries: 0 };

  constructor(private readonly o: EventConsumerOptions) {
    for (const h of o.handlers) this.byType.set(`${h.contract.type}@${h.contract.version}`, h);
    this.attempts = new ConsumerAttempts(o.orm, o.schema, o.groupId);
  }

  get topics(): string[] {
    return [...new Set(this.o.handlers.map((h) => (this.o.topicPrefix ?? '') + h.contract.topic))];
  }

  private get maxAttempts(): number {
    return this.o.maxAttempts ?? 3;
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
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.expected.clear();
      this.suspects.clear();
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

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> {
    const lane: Lane = {
      topic: batch.topic,
      partition: batch.partition,
      heartbeat,
      alive: () => isRunning() && !isStale(),
      commit: (offset) => commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(offset) }] }] }),
    };
    const chunkSize = this.o.chunkSize ?? 200;
    try {
      for (let i = 0; i < batch.messages.length; i += chunkSize) {
        if (!lane.alive()) return;
        const chunk = batch.messages.slice(i, i + chunkSize);
        await this.processChunk(lane, chunk);
        resolveOffset(chunk[chunk.length - 1]!.offset);
        await heartbeat();
      }
    } catch (err) {
      if (!(err instanceof LaneClosed)) throw err;
    }
  }

  /** Splits a chunk around an unfinished range found after a redelivery; that range goes one by one. */
  private async processChunk(lane: Lane, chunk: KafkaMessage[]): Promise<void> {
    const key = `${lane.topic}:${lane.partition}`;
    const first = offsetOf(chunk[0]!);
    const last = offsetOf(chunk[chunk.length - 1]!);
    if (this.expected.get(key) !== first) {
      const unfinished = await this.untilDone(lane, () => this.attempts.unfinished(lane.topic, lane.partition));
      if (unfinished) this.suspects.set(key, unfinished);
      else this.suspects.delete(key);
    }
    const suspect = this.suspects.get(key);
    if (!suspect || suspect.last < first) {
      this.suspects.delete(key);
      await this.fastPath(lane, chunk, true);
    } else {
      this.o.logger.warn({ ...lane, from: String(suspect.first), to: String(suspect.last), attempts: suspect.attempts }, 'replaying an unfinished range one message at a time');
      // before the range: finished earlier (handled, or dead-lettered and committed); recording them would overwrite the range
      const before = chunk.filter((m) => offsetOf(m) < suspect.first);
      if (before.length) await this.fastPath(lane, before, false);
      for (const m of chunk.filter((x) => offsetOf(x) >= suspect.first && offsetOf(x) <= suspect.last)) await this.one(lane, m, suspect);
      if (suspect.last <= last) this.suspects.delete(key);
      const after = chunk.filter((m) => offsetOf(m) > suspect.last);
      if (after.length) await this.fastPath(lane, after, true);
    }
    this.expected.set(key, last + 1n);
  }

  /**
   * The chunk's effects and inbox rows in one transaction, its offsets recorded as begun first.
   * If it fails for good, it is rolled back and replayed one message at a time, so retries and
   * dead-lettering apply to the failing message alone.
   */
  private async fastPath(lane: Lane, messages: KafkaMessage[], record: boolean): Promise<void> {
    const valid: Decoded[] = [];
    for (const message of messages) {
      const d = this.decode(message);
      if (d instanceof MalformedEventError) await this.deadLetter(lane, message, d, 1);
      else if (d) valid.push(d);
    }
    if (valid.length === 0) return;
    const range: AttemptRange = { first: offsetOf(messages[0]!), last: offsetOf(messages[messages.length - 1]!), attempts: 1 };
    if (record) await this.untilDone(lane, () => this.attempts.begin(lane.topic, lane.partition, range));
    try {
      const fresh = await this.untilDone(lane, () => this.applyAll(valid, record ? (em) => this.attempts.finish(em, lane.topic, lane.partition, range) : undefined));
      this.count('handled', lane.topic, fresh);
      this.count('duplicate', lane.topic, valid.length - fresh);
    } catch (err) {
      if (err instanceof LaneClosed) throw err;
      this.o.logger.warn({ err, ...lane, messages: valid.length }, 'event chunk failed; replaying one by one');
      for (const d of valid) await this.one(lane, d.message, { ...range, attempts: 0 });
    }
  }

  /**
   * One message of `range` (whose tries so far are `range.attempts`), each try recorded before it
   * runs; on success the record moves on to the rest of the range.
   */
  private async one(lane: Lane, message: KafkaMessage, range: AttemptRange): Promise<void> {
    const d = this.decode(message);
    if (d === undefined) return;
    if (d instanceof MalformedEventError) return this.deadLetterNow(lane, message, d, 1);
    const offset = offsetOf(message);
    const tried: AttemptRange = { first: offset, last: offset, attempts: range.attempts };
    const rest = offset < range.last ? { first: offset + 1n, last: range.last, attempts: range.attempts } : undefined;
    let failure: Error | undefined;
    for (;;) {
      if (tried.attempts >= this.maxAttempts) {
        const err = failure ?? new ConsumerCrashError(`the consumer went down ${tried.attempts} time(s) while handling it`);
        return this.deadLetterNow(lane, message, err, tried.attempts);
      }
      const begun = { ...tried, attempts: tried.attempts + 1 };
      await this.untilDone(lane, () => this.attempts.begin(lane.topic, lane.partition, begun));
      try {
        const fresh = await this.untilDone(lane, () => this.applyAll([d], (em) => this.attempts.finish(em, lane.topic, lane.partition, begun, rest)));
        this.count(fresh ? 'handled' : 'duplicate', lane.topic, 1);
        return;
      } catch (err) {
        if (err instanceof LaneClosed) throw err;
        failure = err as Error;
        tried.attempts = begun.attempts;
        if (tried.attempts < this.maxAttempts) {
          this.o.logger.warn({ err, eventId: d.event.id, type: d.event.type, attempt: tried.attempts }, 'event handler failed; retrying');
          await this.wait(lane, this.backoff(tried.attempts - 1));
        }
      }
    }
  }

  /** Runs `f` until it succeeds or fails for good; a transient failure is waited out, however long. */
  private async untilDone<T>(lane: Lane, f: () => Promise<T>): Promise<T> {
    for (let retry = 0; ; retry++) {
      try {
        return await f();
      } catch (err) {
        if (!isTransient(err)) throw err;
        if (!lane.alive()) throw new LaneClosed();
        this.stats.transientRetries++;
        if (retry % 10 === 0) this.o.logger.warn({ err, topic: lane.topic, partition: lane.partition, retry }, 'transient failure; waiting and trying again');
        await this.wait(lane, this.backoff(retry));
      }
    }
  }

  private backoff(retry: number): number {
    return Math.min((this.o.backoffMs ?? 200) * 2 ** Math.min(retry, 20), this.o.maxBackoffMs ?? 10_000);
  }

  /** Sleeps in slices, heartbeating, so a long wait keeps the partition. */
  private async wait(lane: Lane, ms: number): Promise<void> {
    for (let left = ms; left > 0; left -= 1000) {
      await sleep(Math.min(left, 1000));
      if (!lane.alive()) throw new LaneClosed();
      await lane.heartbeat();
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

  /** Records the events in the inbox and applies the new ones, in one transaction; returns how many were new. */
  private async applyAll(items: Decoded[], finish?: (em: EntityManager) => Promise<void>): Promise<number> {
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
      await finish?.(em);
      return inserted.length;
    });
  }

  /** Dead-letters and commits past the message at once, so a restart cannot run it again. */
  private async deadLetterNow(lane: Lane, message: KafkaMessage, err: Error, attempts: number): Promise<void> {
    await this.deadLetter(lane, message, err, attempts);
    await this.untilDone(lane, () => lane.commit(offsetOf(message) + 1n));
  }

  private async deadLetter(lane: Lane, message: KafkaMessage, err: Error, attempts: number): Promise<void> {
    const { topic, partition } = lane;
    this.o.logger.error({ err, topic, partition, offset: message.offset, attempts }, 'event dead-lettered');
    await this.untilDone(lane, () =>
      this.dlqProducer!.send({
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
      }),
    );
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
