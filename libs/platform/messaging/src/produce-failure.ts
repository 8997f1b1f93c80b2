/** Kafka refuses these records for good: retrying sends the same bytes to the same answer. */
const REFUSED = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'INVALID_TOPIC_EXCEPTION', 'TOPIC_AUTHORIZATION_FAILED']);
/** Refusals that hold for every record of the topic, not just the one sent. */
const TOPIC_WIDE = new Set(['INVALID_TOPIC_EXCEPTION', 'TOPIC_AUTHORIZATION_FAILED', 'UNKNOWN_TOPIC_OR_PARTITION']);

/**
 * What a failed produce means for the relay: `refused` (never succeeds: dead-letter the record),
 * `unknown_topic` (a topic being created says the same at first: refused only after retries),
 * or `transient` (the cluster is away or busy, or something unrecognised: retry). Looks through causes.
 */
export function produceFailureOf(err: unknown): { kind: 'refused' | 'unknown_topic' | 'transient'; topicWide: boolean } {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { type } = e as { type?: unknown };
    if (type === 'UNKNOWN_TOPIC_OR_PARTITION') return { kind: 'unknown_topic', topicWide: true };
    if (typeof type === 'string' && REFUSED.has(type)) return { kind: 'refused', topicWide: TOPIC_WIDE.has(type) };
  }
  return { kind: 'transient', topicWide: false };
}

export const describeError = (err: unknown): string => {
  const e = err as { name?: string; message?: string; type?: string; cause?: { type?: string } };
  const type = e.type ?? e.cause?.type;
  return `${e.name ?? 'Error'}${type ? ` (${type})` : ''}: ${e.message ?? String(err)}`;
};
