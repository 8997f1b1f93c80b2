import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventContract, EventData } from '@alphintra/contracts';
import { newEvent, toHeaders, type CloudEvent } from './envelope';
import type { OutboxBacklog } from './outbox-backlog';
import { inCreateSpan } from './tracing';

export const OUTBOX_SHARDS = 16;

interface OutboxDb {
  outbox: { event_id: string; topic: string; aggregate_key: string; shard: number; event_type: string; headers: string; payload: string };
}

/** FNV-1a; the shard keeps every event of one aggregate on one relay at a time. */
export function shardOf(key: string, shards = OUTBOX_SHARDS): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % shards;
}

export interface RecordOptions {
  correlationId?: string;
  traceparent?: string;
}

/**
 * Writes outgoing events into the service's outbox, inside the caller's transaction,
 * so the state change and its event commit together or not at all. Each event carries the
 * trace context of a producer span under whatever span is active, for the relay to send on.
 * With a backlog, a write is refused (OutboxBackPressureError) while the outbox is over its limits.
 */
export class OutboxPublisher {
  constructor(
    private readonly source: string,
    private readonly schema: string,
    private readonly topicPrefix = '',
    private readonly backlog?: OutboxBacklog,
  ) {}

  async record<C extends EventContract>(em: EntityManager, contract: C, subject: string, data: EventData<C>, o: RecordOptions = {}): Promise<CloudEvent> {
    const [event] = await this.recordMany(em, contract, [{ subject, data }], o);
    return event;
  }

  async recordMany<C extends EventContract>(
    em: EntityManager,
    contract: C,
    items: { subject: string; data: EventData<C> }[],
    o: RecordOptions = {},
  ): Promise<CloudEvent[]> {
    if (!em.isInTransaction()) throw new Error('OutboxPublisher.record must run inside the transaction of the state change');
    this.backlog?.assertRoom();
    const created = items.map((i) => newEvent(contract, `/alphintra/${this.source}`, i.subject, i.data, o));
    if (created.length === 0) return created;
    const topic = this.topicPrefix + contract.topic;
    return inCreateSpan(topic, created, async (tc) => {
      const events = created.map((e) => (e.traceparent ? e : { ...e, ...tc }));
      // Kysely binds real parameters (em.execute would format every value into the SQL text).
      await em
        .getKysely<OutboxDb>()
        .withSchema(this.schema)
        .insertInto('outbox')
        .values(
          events.map((e) => ({
            event_id: e.id,
            topic,
            aggregate_key: e.subject,
            shard: shardOf(e.subject),
            event_type: e.type,
            headers: JSON.stringify(toHeaders(e)),
            payload: JSON.stringify(e.data),
          })),
        )
        .execute();
      return events;
    });
  }
}
