import { dlqOf, topicSettingsOf } from '@alphintra/contracts';
import type { Kafka } from './kafka';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  retentionMs: number;
}

/**
 * Creates each topic and its dead-letter topic if missing, with the settings the contracts give the
 * topic (compaction, more partitions, retention: `TOPIC_SETTINGS`); existing topics are left as they are.
 * A broker busy creating other topics can answer metadata requests for a new one with a
 * retriable error; the whole step is then retried (it is idempotent).
 */
export async function ensureTopics(kafka: Kafka, specs: TopicSpec[], attempts = 5): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createMissing(kafka, specs);
    } catch (err) {
      if (attempt >= attempts || !(err as { retriable?: boolean }).retriable) throw err;
      await new Promise((r) => setTimeout(r, 250 * attempt));
    }
  }
}

type CreatedTopic = TopicSpec & { cleanupPolicy?: string; minCompactionLagMs?: number };

function withSettings(s: TopicSpec): CreatedTopic {
  const t = topicSettingsOf(s.name);
  return {
    ...s,
    partitions: Math.max(s.partitions, t.minPartitions ?? 0),
    retentionMs: t.retentionMs ?? s.retentionMs,
    cleanupPolicy: t.cleanupPolicy,
    minCompactionLagMs: t.minCompactionLagMs,
  };
}

async function createMissing(kafka: Kafka, specs: TopicSpec[]): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const wanted: CreatedTopic[] = specs.flatMap((s) => [withSettings(s), { ...s, name: dlqOf(s.name), partitions: 1 }]).filter((s) => !existing.has(s.name));
    if (wanted.length) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: wanted.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: s.replicationFactor,
          configEntries: [
            { name: 'retention.ms', value: String(s.retentionMs) },
            { name: 'min.insync.replicas', value: String(Math.min(2, s.replicationFactor)) },
            ...(s.cleanupPolicy ? [{ name: 'cleanup.policy', value: s.cleanupPolicy }] : []),
            ...(s.minCompactionLagMs ? [{ name: 'min.compaction.lag.ms', value: String(s.minCompactionLagMs) }] : []),
          ],
        })),
      });
    }
    return wanted.map((s) => s.name);
  } finally {
    await admin.disconnect();
  }
}
