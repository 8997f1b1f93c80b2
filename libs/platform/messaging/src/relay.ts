import { Client, type ClientConfig } from 'pg';
import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import { OUTBOX_SHARDS } from './outbox';
import type { OutboxBacklog } from './outbox-backlog';
import type { MessagingLogger } from './logger';
import { describeError, produceFailureOf } from './produce-failure';

export interface OutboxRelayOptions {
  connection: ClientConfig;
  schema: string;
  kafka: Kafka;
  logger: MessagingLogger;
  batchSize?: number;
  pollIntervalMs?: number;
  /** Sent rows older than this are purged. */
  retentionMs?: number;
  /** Inbox rows older than this are purged; longer than any redelivery (topic and dead-letter retention). */
  inboxRetentionMs?: number;
  /** Measured by the relay (at most once a second, and while it waits on Kafka), checked by the publisher. */
  backlog?: OutboxBacklog;
  observer?: RelayObserver;
  /** Tries of a batch whose topic Kafka does not know before its rows are dead-lettered (a topic just created is unknown for a moment). */
  unknownTopicTries?: number;
  /** Longest wait between tries of a produce that failed transiently. */
  maxBackoffMs?: number;
}

export interface RelayObserver {
  /** Rows Kafka refused for good, moved to `outbox_dead_letter`. */
  deadLettered(topic: string, n: number): void;
}

/** 14 days: twice the default topic retention, so no redelivery outlives its inbox row. */
export const INBOX_RETENTION_MS = 14 * 86_400_000;

interface OutboxRow {
  id: string;
  topic: string;
  aggregate_key: string;
  headers: Record<string, string>;
  payload: string;
}

/** Between its measurements the relay runs no statement while it waits on Kafka; PostgreSQL would end a transaction idle for longer than a minute. */
const SESSION_HOLD_INTERVAL_MS = 2_000;

/**
 * Publishes pending outbox rows to Kafka, in order per aggregate, and marks them sent after
 * the broker acknowledged (acks=all, idempotent producer). Rows are split into shards by
 * aggregate key; a relay owns a shard through a session advisory lock, so replicas can run
 * side by side without reordering one aggregate's events, and claims rows with
 * FOR UPDATE SKIP LOCKED. It wakes on LISTEN/NOTIFY and polls as a fallback.
 *
 * A produce that failed transiently (Kafka away or busy) is tried again with backoff inside the
 * same transaction, so the relay keeps its session, its shard locks and its claimed rows through
 * an outage. A record Kafka refuses for good (too large, a topic that does not exist or may not be
 * written) is moved to `outbox_dead_letter` with the error, so it does not block its shard.
 */
export class OutboxRelay {
  private client?: Client;
  private producer?: Producer;
  private running = false;
  private loopDone?: Promise<void>;
  private wake?: () => void;
  private interrupt?: () => void;
  private notified = false;
  private owned = new Set<number>();
  private lastShardCheck = 0;
  private lastPurge = 0;
  private lastMeasure = 0;
  private failingSince?: number;
  private lastFailureLog = 0;
  published = 0;

  constructor(private readonly o: OutboxRelayOptions) {}

  async start(): Promise<void> {
    // retries bounded, so that the relay sees an unknown topic and keeps its session alive between tries
    this.producer = this.o.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, retry: { retries: 3, maxRetryTime: 2_000 } });
    await this.producer.connect();
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    this.interrupt?.();
    await this.loopDone;
    await this.producer?.disconnect();
    await this.closeClient();
  }

  get ownedShards(): number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  /** Pending rows and the age of the oldest, for metrics. */
  async backlog(): Promise<{ pending: number; oldestAgeSeconds: number }> {
    const c = new Client(this.o.connection);
    await c.connect();
    try {
      const r = await c.query(
        `select count(*)::int as pending, coalesce(extract(epoch from now() - min(created_at)), 0)::float as age
         from "${this.o.schema}"."outbox" where sent_at is null`,
      );
      return { pending: r.rows[0].pending, oldestAgeSeconds: r.rows[0].age };
    } finally {
      await c.end();
    }
  }

  private async loop(): Promise<void> {
    const batchSize = this.o.batchSize ?? 1000;
    while (this.running) {
      try {
        const client = await this.connected();
        await this.maintain(client);
        this.notified = false;
        const sent = this.owned.size ? await this.drainOnce(client, batchSize) : 0;
        if (this.failingSince) this.o.logger.info({ schema: this.o.schema, seconds: Math.round((Date.now() - this.failingSince) / 1000) }, 'outbox relay works again');
        this.failingSince = undefined;
        if (sent < batchSize) await this.idle();
      } catch (err) {
        // an outage of its database fails every cycle: one error line, then one a minute
        const now = Date.now();
        if (this.running && (!this.failingSince || now - this.lastFailureLog >= 60_000)) {
          this.o.logger.error({ err, schema: this.o.schema, failingForSeconds: this.failingSince ? Math.round((now - this.failingSince) / 1000) : 0 }, 'outbox relay cycle failed; reconnecting');
          this.lastFailureLog = now;
        }
        this.failingSince ??= now;
        await this.closeClient();
        this.notified = false;
        await this.idle();
      }
    }
  }

  private async drainOnce(client: Client, limit: number): Promise<number> {
    await client.query('begin');
    try {
      const { rows } = await client.query<OutboxRow>(
        `select id, topic, aggregate_key, headers, payload::text as payload from "${this.o.schema}"."outbox"
         where sent_at is null and shard = any($1::smallint[]) order by id limit $2 for update skip locked`,
        [this.ownedShards, limit],
      );
      if (rows.length) {
        await this.holdingSession(client, async () => {
          const failure = await this.produce(client, rows);
          await (failure === undefined ? this.markSent(client, rows) : this.isolate(client, rows, failure));
        });
      }
      await client.query('commit');
      this.published += rows.length;
      return rows.length;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    }
  }

  /**
   * Sends the rows, trying again after transient failures (backoff from 200 ms, doubling up to
   * `maxBackoffMs`) for as long as the relay runs; returns the failure when Kafka refuses for good.
   */
  private async produce(client: Client, rows: OutboxRow[]): Promise<unknown> {
    const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
    for (const r of rows) {
      const list = byTopic.get(r.topic) ?? byTopic.set(r.topic, []).get(r.topic)!;
      list.push({ key: r.aggregate_key, value: r.payload, headers: r.headers });
    }
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    for (let tries = 1; ; tries++) {
      try {
        await this.producer!.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages });
        if (tries > 1) this.o.logger.info({ schema: this.o.schema, tries }, 'outbox relay published again');
        return undefined;
      } catch (err) {
        const failure = produceFailureOf(err);
        if (failure.kind === 'refused' || (failure.kind === 'unknown_topic' && tries >= (this.o.unknownTopicTries ?? 10))) return err;
        if (!this.running) throw err;
        if (tries === 1 || tries % 30 === 0) {
          this.o.logger.warn({ err, schema: this.o.schema, tries, rows: rows.length }, 'outbox relay could not publish; trying again with its session and shards held');
        }
        await this.pause(Math.min(200 * 2 ** (tries - 1), this.o.maxBackoffMs ?? 5_000));
      }
    }
  }

  /**
   * After a batch Kafka refused: each topic's rows apart, then each row of a topic that was refused
   * for one of its records; what Kafka refuses for good goes to `outbox_dead_letter`, the rest is sent.
   */
  private async isolate(client: Client, rows: OutboxRow[], batchFailure: unknown): Promise<void> {
    const topics = new Map<string, OutboxRow[]>();
    for (const r of rows) (topics.get(r.topic) ?? topics.set(r.topic, []).get(r.topic)!).push(r);
    for (const [, ofTopic] of topics) {
      const failure = topics.size === 1 ? batchFailure : await this.produce(client, ofTopic);
      if (failure === undefined) {
        await this.markSent(client, ofTopic);
      } else if (produceFailureOf(failure).topicWide) {
        for (const r of ofTopic) await this.deadLetter(client, r, failure);
      } else {
        for (const r of ofTopic) {
          const one = await this.produce(client, [r]);
          await (one === undefined ? this.markSent(client, [r]) : this.deadLetter(client, r, one));
        }
      }
    }
  }

  private async markSent(client: Client, rows: OutboxRow[]): Promise<void> {
    await client.query(`update "${this.o.schema}"."outbox" set sent_at = now() where id = any($1::bigint[])`, [rows.map((r) => r.id)]);
  }

  private async deadLetter(client: Client, r: OutboxRow, err: unknown): Promise<void> {
    const s = this.o.schema;
    const error = describeError(err);
    await client.query(
      `with moved as (delete from "${s}"."outbox" where id = $1 returning *)
       insert into "${s}"."outbox_dead_letter" ("id", "event_id", "topic", "aggregate_key", "event_type", "headers", "payload", "created_at", "error")
       select "id", "event_id", "topic", "aggregate_key", "event_type", "headers", "payload", "created_at", $2 from moved`,
      [r.id, error],
    );
    this.o.logger.error({ schema: s, outboxId: r.id, eventId: r.headers.ce_id, type: r.headers.ce_type, topic: r.topic, key: r.aggregate_key, error }, 'Kafka refused an outbox event for good; moved to outbox_dead_letter');
    this.o.observer?.deadLettered(r.topic, 1);
  }

  /**
   * While the relay waits on Kafka, it measures the backlog on its own session every 2 s: that
   * keeps back-pressure current and the transaction from being ended as idle (ADR 0019's
   * idle-in-transaction timeout), so the shard locks and claimed rows stay with it.
   */
  private async holdingSession<T>(client: Client, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => void this.measure(client, true), SESSION_HOLD_INTERVAL_MS);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private async measure(client: Client, always = false): Promise<void> {
    const now = Date.now();
    if (!always && now - this.lastMeasure < 1_000) return;
    this.lastMeasure = now;
    try {
      await (this.o.backlog ? this.o.backlog.measure(client) : client.query('select 1'));
    } catch (err) {
      this.o.logger.warn({ err, schema: this.o.schema }, 'outbox relay could not measure the backlog');
    }
  }

  /** Takes free shards (another relay may have died) and purges old sent rows and old inbox rows. */
  private async maintain(client: Client): Promise<void> {
    if (this.o.backlog) await this.measure(client);
    const now = Date.now();
    if (now - this.lastShardCheck > 5000 || this.owned.size === 0) {
      this.lastShardCheck = now;
      for (let shard = 0; shard < OUTBOX_SHARDS; shard++) {
        if (this.owned.has(shard)) continue;
        const r = await client.query('select pg_try_advisory_lock(hashtext($1), $2) as ok', [`alphintra:outbox:${this.o.schema}`, shard]);
        if (r.rows[0].ok) this.owned.add(shard);
      }
    }
    if (now - this.lastPurge > 60_000) {
      this.lastPurge = now;
      await client.query(`delete from "${this.o.schema}"."outbox" where sent_at < now() - make_interval(secs => $1)`, [
        (this.o.retentionMs ?? 86_400_000) / 1000,
      ]);
      // bounded per pass, so a first purge of a big inbox does not hold locks for long
      await client.query(
        `delete from "${this.o.schema}"."inbox" where ("event_id", "consumer") in
         (select "event_id", "consumer" from "${this.o.schema}"."inbox" where received_at < now() - make_interval(secs => $1) limit 10000)`,
        [(this.o.inboxRetentionMs ?? INBOX_RETENTION_MS) / 1000],
      );
    }
  }

  private async connected(): Promise<Client> {
    if (this.client) return this.client;
    const client = new Client({ ...this.o.connection, application_name: `outbox-relay:${this.o.schema}` });
    client.on('error', (err) => this.o.logger.warn({ err }, 'outbox relay connection error'));
    client.on('notification', () => {
      this.notified = true;
      this.wake?.();
    });
    await client.connect();
    await client.query(`listen "${this.o.schema}_outbox"`);
    this.client = client;
    this.owned.clear();
    return client;
  }

  private async closeClient(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.owned.clear();
    await c?.end().catch(() => undefined);
  }

  /** A wait that stop() ends early (a NOTIFY does not). */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.interrupt = done;
    });
  }

  private idle(): Promise<void> {
    if (this.notified && this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, this.o.pollIntervalMs ?? 500);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }
}
