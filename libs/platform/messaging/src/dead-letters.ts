import { randomUUID } from 'node:crypto';
import type { IHeaders, Producer } from 'kafkajs';
import type { MikroORM } from '@mikro-orm/postgresql';
import { dlqOf } from '@alphintra/contracts';
import type { Kafka } from './kafka';
import { KafkaOffsets } from './kafka-offsets';
import type { MessagingLogger } from './logger';
import { readSpans, type PartitionSpan, type ReadMessage } from './span-reader';

/** A message the consumer group gave up on, as its `<topic>.dlq` holds it. */
export interface DeadLetter {
  /** `<topic>.dlq:<partition>:<offset>`, the message's place in the dead-letter topic. */
  id: string;
  /** The topic it was consumed from, and where it was there. */
  topic: string;
  partition: number | null;
  offset: string | null;
  eventId: string | null;
  eventType: string | null;
  key: string | null;
  error: string | null;
  attempts: number | null;
  deadLetteredAt: string;
  redrivenAt: string | null;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  nextCursor: string | null;
}

export interface RedriveResult {
  /** Published again to their topic by this call. */
  redriven: string[];
  /** Redriven before; not published again. */
  alreadyRedriven: string[];
}

export class UnknownDeadLetterTopicError extends Error {
  override name = 'UnknownDeadLetterTopicError';
  constructor(readonly topic: string) {
    super(`the consumer group does not consume ${topic}`);
  }
}

export class InvalidDeadLetterCursorError extends Error {
  override name = 'InvalidDeadLetterCursorError';
  constructor(readonly cursor: string) {
    super(`${cursor} is not a dead letter of the topics listed`);
  }
}

export class DeadLettersNotFoundError extends Error {
  override name = 'DeadLettersNotFoundError';
  constructor(readonly ids: string[]) {
    super(`no dead letter of the consumer group at ${ids.join(', ')}`);
  }
}

export interface DeadLettersOptions {
  kafka: Kafka;
  orm: MikroORM;
  schema: string;
  groupId: string;
  /** The topics the group consumes (prefixed, as on the broker); their `.dlq` topics hold its dead letters. */
  topics: () => string[];
  logger: MessagingLogger;
  readTimeoutMs?: number;
}

interface RedriveDb {
  dead_letter_redrive: { dlq_topic: string; dlq_partition: number; dlq_offset: string; topic: string; event_id: string | null; redriven_by: string; redriven_at?: Date };
}

interface Position {
  dlqTopic: string;
  partition: number;
  offset: bigint;
}

const DLQ_ID = /^(.+\.dlq):(\d+):(\d+)$/;
const idOf = (p: { topic: string; partition: number; message: { offset: string } } | Position): string =>
  'dlqTopic' in p ? `${p.dlqTopic}:${p.partition}:${p.offset}` : `${p.topic}:${p.partition}:${p.message.offset}`;

export function parseDeadLetterId(id: string): Position | undefined {
  const m = DLQ_ID.exec(id);
  return m ? { dlqTopic: m[1]!, partition: Number(m[2]), offset: BigInt(m[3]!) } : undefined;
}

const header = (h: IHeaders | undefined, k: string): string | null => {
  const v = h?.[k];
  return v === undefined ? null : ((Array.isArray(v) ? v[0] : v)?.toString() ?? null);
};
const intOrNull = (v: string | null) => (v !== null && /^\d+$/.test(v) ? Number(v) : null);
const byPosition = (a: ReadMessage, b: ReadMessage) =>
  a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition || Number(BigInt(a.message.offset) - BigInt(b.message.offset));

/**
 * The dead letters of one consumer group, read from the `.dlq` topics of what it consumes (shared
 * with other groups; the `dlq_consumer_group` header tells whose a message is), and their redrive:
 * the original key, value and headers (without `dlq_*`) go back to the original topic, where the
 * inboxes of every consuming group absorb what they handled already. A redrive is recorded in
 * `dead_letter_redrive` in the transaction that publishes it, so the same dead letter is
 * published again at most once however often it is redriven.
 */
export class DeadLetters {
  private readonly offsets: KafkaOffsets;
  private producer?: Promise<Producer>;

  constructor(private readonly o: DeadLettersOptions) {
    this.offsets = new KafkaOffsets(o.kafka, 5);
  }

  /** In order of dead-letter topic, partition and offset; `cursor` is the id of the last item seen. */
  async list(q: { topic?: string; limit: number; cursor?: string }): Promise<DeadLetterPage> {
    const after = q.cursor === undefined ? undefined : parseDeadLetterId(q.cursor);
    const dlqTopics = this.dlqTopics(q.topic);
    if (q.cursor !== undefined && (!after || !dlqTopics.includes(after.dlqTopic))) throw new InvalidDeadLetterCursorError(q.cursor);
    const spans = (await this.spansOf(dlqTopics)).map((s) => {
      if (!after || s.topic > after.dlqTopic || (s.topic === after.dlqTopic && s.partition > after.partition)) return s;
      if (s.topic === after.dlqTopic && s.partition === after.partition) return { ...s, from: after.offset + 1n > s.from ? after.offset + 1n : s.from };
      return { ...s, from: s.to };
    });
    const found = (await this.read(spans, q.limit + 1)).sort(byPosition);
    const page = found.slice(0, q.limit);
    const redriven = await this.redrivenAt(page);
    return {
      items: page.map((m) => this.toDeadLetter(m, redriven.get(idOf(m)) ?? null)),
      nextCursor: found.length > q.limit ? idOf(page[page.length - 1]!) : null,
    };
  }

  /** The given dead letters (all of them, or none if one is not the group's), or every one of a topic or of all. */
  async redrive(target: { ids: string[] } | { all: true; topic?: string }, by: string): Promise<RedriveResult> {
    const letters = 'ids' in target ? await this.find(target.ids) : (await this.read(await this.spansOf(this.dlqTopics(target.topic)))).sort(byPosition);
    const result: RedriveResult = { redriven: [], alreadyRedriven: [] };
    for (let i = 0; i < letters.length; i += 200) {
      const chunk = letters.slice(i, i + 200);
      const fresh = await this.redriveChunk(chunk, by);
      for (const m of chunk) (fresh.has(idOf(m)) ? result.redriven : result.alreadyRedriven).push(idOf(m));
    }
    if (result.redriven.length) this.o.logger.info({ redriven: result.redriven.length, by }, 'dead letters redriven');
    return result;
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await (await producer?.catch(() => undefined))?.disconnect();
    await this.offsets.close();
  }

  private dlqTopics(topic?: string): string[] {
    const topics = this.o.topics();
    if (topic !== undefined && !topics.includes(topic)) throw new UnknownDeadLetterTopicError(topic);
    return (topic === undefined ? topics : [topic]).map(dlqOf).sort();
  }

  /** Every partition of the topics, from the low to the high watermark as of now. */
  private async spansOf(dlqTopics: string[]): Promise<PartitionSpan[]> {
    const marks = await Promise.all(dlqTopics.map((t) => this.offsets.watermarks(t)));
    return dlqTopics.flatMap((topic, i) => marks[i]!.map((w) => ({ topic, partition: w.partition, from: w.low, to: w.high })));
  }

  private read(spans: PartitionSpan[], perSpanLimit?: number, only?: Set<string>): Promise<ReadMessage[]> {
    return readSpans(this.o.kafka, {
      groupId: `${this.o.groupId}.dead-letter-admin.${randomUUID()}`,
      spans,
      perSpanLimit,
      timeoutMs: this.o.readTimeoutMs,
      keep: (m) => header(m.message.headers, 'dlq_consumer_group') === this.o.groupId && (!only || only.has(idOf(m))),
    });
  }

  private async find(ids: string[]): Promise<ReadMessage[]> {
    const wanted = [...new Set(ids)].map((id) => ({ id, at: parseDeadLetterId(id) }));
    const topics = new Set(this.o.topics().map(dlqOf));
    const missing = wanted.filter((w) => !w.at || !topics.has(w.at.dlqTopic)).map((w) => w.id);
    if (missing.length) throw new DeadLettersNotFoundError(missing);
    const spans = new Map<string, PartitionSpan>();
    for (const { at } of wanted) {
      const key = `${at!.dlqTopic}:${at!.partition}`;
      const s = spans.get(key) ?? { topic: at!.dlqTopic, partition: at!.partition, from: at!.offset, to: at!.offset + 1n };
      spans.set(key, { ...s, from: at!.offset < s.from ? at!.offset : s.from, to: at!.offset + 1n > s.to ? at!.offset + 1n : s.to });
    }
    // an offset past the high watermark is not there yet, and waiting for it would not end
    const marks = new Map<string, { low: bigint; high: bigint }>();
    for (const t of new Set([...spans.values()].map((s) => s.topic))) for (const w of await this.offsets.watermarks(t)) marks.set(`${t}:${w.partition}`, w);
    const bounded = [...spans.entries()].map(([key, s]) => {
      const w = marks.get(key);
      return w ? { ...s, from: s.from > w.low ? s.from : w.low, to: s.to < w.high ? s.to : w.high } : { ...s, to: s.from };
    });
    const found = (await this.read(bounded, undefined, new Set(wanted.map((w) => w.id)))).sort(byPosition);
    const seen = new Set(found.map(idOf));
    const absent = wanted.filter((w) => !seen.has(w.id)).map((w) => w.id);
    if (absent.length) throw new DeadLettersNotFoundError(absent);
    return found;
  }

  /** Records the chunk's redrives and publishes the new ones in the same transaction; returns their ids. */
  private async redriveChunk(chunk: ReadMessage[], by: string): Promise<Set<string>> {
    return this.o.orm.em.fork().transactional(async (em) => {
      const inserted = await em
        .getKysely<RedriveDb>()
        .withSchema(this.o.schema)
        .insertInto('dead_letter_redrive')
        .values(
          chunk.map((m) => ({
            dlq_topic: m.topic,
            dlq_partition: m.partition,
            dlq_offset: m.message.offset,
            topic: m.topic.slice(0, -'.dlq'.length),
            event_id: header(m.message.headers, 'ce_id'),
            redriven_by: by,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .returning(['dlq_topic', 'dlq_partition', 'dlq_offset'])
        .execute();
      const fresh = new Set(inserted.map((r) => `${r.dlq_topic}:${r.dlq_partition}:${r.dlq_offset}`));
      const byTopic = new Map<string, { key: Buffer | null; value: Buffer | null; headers: IHeaders }[]>();
      for (const m of chunk.filter((c) => fresh.has(idOf(c)))) {
        // The dead-letter topic of T redrives to T, whatever a header claims.
        const topic = m.topic.slice(0, -'.dlq'.length);
        const headers = Object.fromEntries(Object.entries(m.message.headers ?? {}).filter(([k]) => !k.startsWith('dlq_'))) as IHeaders;
        (byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!).push({ key: m.message.key, value: m.message.value, headers });
      }
      if (byTopic.size) await (await this.connectedProducer()).sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      return fresh;
    });
  }

  private async redrivenAt(page: ReadMessage[]): Promise<Map<string, string>> {
    if (page.length === 0) return new Map();
    const rows = await this.o.orm.em
      .fork()
      .getKysely<RedriveDb>()
      .withSchema(this.o.schema)
      .selectFrom('dead_letter_redrive')
      .select(['dlq_topic', 'dlq_partition', 'dlq_offset', 'redriven_at'])
      .where((eb) => eb(eb.refTuple('dlq_topic', 'dlq_partition', 'dlq_offset'), 'in', page.map((m) => eb.tuple(m.topic, m.partition, m.message.offset))))
      .execute();
    return new Map(rows.map((r) => [`${r.dlq_topic}:${r.dlq_partition}:${r.dlq_offset}`, new Date(r.redriven_at!).toISOString()]));
  }

  private toDeadLetter(m: ReadMessage, redrivenAt: string | null): DeadLetter {
    const h = m.message.headers;
    const failedAt = header(h, 'dlq_failed_at');
    return {
      id: idOf(m),
      topic: m.topic.slice(0, -'.dlq'.length),
      partition: intOrNull(header(h, 'dlq_original_partition')),
      offset: header(h, 'dlq_original_offset'),
      eventId: header(h, 'ce_id'),
      eventType: header(h, 'ce_type'),
      key: m.message.key?.toString() ?? null,
      error: header(h, 'dlq_error'),
      attempts: intOrNull(header(h, 'dlq_attempts')),
      deadLetteredAt: failedAt && !Number.isNaN(Date.parse(failedAt)) ? new Date(failedAt).toISOString() : new Date(Number(m.message.timestamp)).toISOString(),
      redrivenAt,
    };
  }

  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.o.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      this.producer = producer.connect().then(() => producer);
      this.producer.catch(() => (this.producer = undefined));
    }
    return this.producer;
  }
}
