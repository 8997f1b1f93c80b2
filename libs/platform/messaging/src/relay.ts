import { Client, type ClientConfig } from 'pg';
import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import { OUTBOX_SHARDS } from './outbox';
import type { MessagingLogger } from './logger';

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

/**
 * Publishes pending outbox rows to Kafka, in order per aggregate, and marks them sent after
 * the broker acknowledged (acks=all, idempotent producer). Rows are split into shards by
 * aggregate key; a relay owns a shard through a session advisory lock, so replicas can run
 * side by side without reordering one aggregate's events, and claims rows with
 * FOR UPDATE SKIP LOCKED. It wakes on LISTEN/NOTIFY and polls as a fallback.
 */
export class OutboxRelay {
  private client?: Client;
  private producer?: Producer;
  private running = false;
  private loopDone?: Promise<void>;
  private wake?: () => void;
  private notified = false;
  private owned = new Set<number>();
  private lastShardCheck = 0;
  private lastPurge = 0;
  published = 0;

  constructor(private readonly o: OutboxRelayOptions) {}

  async start(): Promise<void> {
    this.producer = this.o.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    this.running = true;
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
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
        if (sent < batchSize) await this.idle();
      } catch (err) {
        this.o.logger.error({ err, schema: this.o.schema }, 'outbox relay cycle failed; reconnecting');
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
        const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
        for (const r of rows) {
          const list = byTopic.get(r.topic) ?? byTopic.set(r.topic, []).get(r.topic)!;
          list.push({ key: r.aggregate_key, value: r.payload, headers: r.headers });
        }
        await this.producer!.sendBatch({
          acks: -1,
          compression: CompressionTypes.None,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
        await client.query(`update "${this.o.schema}"."outbox" set sent_at = now() where id = any($1::bigint[])`, [rows.map((r) => r.id)]);
      }
      await client.query('commit');
      this.published += rows.length;
      return rows.length;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    }
  }

  /** Takes free shards (another relay may have died) and purges old sent rows and old inbox rows. */
  private async maintain(client: Client): Promise<void> {
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
