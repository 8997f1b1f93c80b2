import type { Admin } from 'kafkajs';
import type { Kafka } from './kafka';

export interface PartitionWatermarks {
  partition: number;
  low: bigint;
  high: bigint;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

/**
 * Offsets over one long-lived admin connection, for metrics and the dead-letter admin: a
 * topic's watermarks and a consumer group's lag. Metrics want an answer now or none (one retry,
 * the scrape bounds the wait); the admin rides out a leader election (a topic created moments
 * ago answers "not the leader" for a while).
 */
export class KafkaOffsets {
  private admin?: Promise<Admin>;

  constructor(
    private readonly kafka: Kafka,
    private readonly retries = 1,
  ) {}

  async watermarks(topic: string): Promise<PartitionWatermarks[]> {
    // kafkajs gives up on a retriable error here (a partition whose leader is being elected)
    for (let attempt = 0; ; attempt++) {
      try {
        const offsets = await (await this.connected()).fetchTopicOffsets(topic);
        return offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) })).sort((a, b) => a.partition - b.partition);
      } catch (err) {
        if (attempt >= this.retries || !(err as { retriable?: boolean }).retriable) throw err;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }

  /** Messages a topic holds now (high minus low watermark, over its partitions). */
  async retained(topic: string): Promise<number> {
    return (await this.watermarks(topic)).reduce((n, w) => n + Number(w.high - w.low), 0);
  }

  /** Per partition, the high watermark minus the group's committed offset (minus the low watermark where it has committed none). */
  async lag(groupId: string, topics: string[]): Promise<PartitionLag[]> {
    if (topics.length === 0) return [];
    const admin = await this.connected();
    const [committed, ...marks] = await Promise.all([admin.fetchOffsets({ groupId, topics }), ...topics.map((t) => this.watermarks(t))]);
    const committedOf = new Map(committed.flatMap((t) => t.partitions.map((p) => [`${t.topic}:${p.partition}`, BigInt(p.offset)] as const)));
    return topics.flatMap((topic, i) =>
      marks[i]!.map(({ partition, low, high }) => {
        const at = committedOf.get(`${topic}:${partition}`) ?? -1n;
        const from = at < 0n ? low : at > low ? at : low;
        return { topic, partition, lag: Number(high > from ? high - from : 0n) };
      }),
    );
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await (await admin?.catch(() => undefined))?.disconnect();
  }

  private connected(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin({ retry: { retries: this.retries, initialRetryTime: 100 } });
      this.admin = admin.connect().then(() => admin);
      // a failed connection is forgotten, so the next call tries again
      this.admin.catch(() => (this.admin = undefined));
    }
    return this.admin;
  }
}
