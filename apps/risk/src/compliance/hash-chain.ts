import { chainHash, verifyChain as verifyLog, type ChainEntry, type ChainVerdict } from '@alphintra/platform-database';

export { canonicalJson, GENESIS_HASH } from '@alphintra/platform-database';

export interface ChainedFields {
  seq: string;
  at: Date;
  actor: string;
  kind: string;
  subject: string;
  payload: unknown;
}

/** What an entry's hash covers: seq, at, actor, kind, subject, payload. */
export const hashedFields = (e: ChainedFields): Record<string, unknown> => ({
  seq: String(e.seq),
  at: e.at.toISOString(),
  actor: e.actor,
  kind: e.kind,
  subject: e.subject,
  payload: e.payload,
});

/** hash = sha256(prev_hash || canonical JSON of (seq, at, actor, kind, subject, payload)), hex. */
export const entryHash = (prevHash: string, e: ChainedFields): string => chainHash(prevHash, hashedFields(e));

export interface StoredEntry extends ChainedFields, ChainEntry {}

/** What risk's verify answers: the chain's verdict without checkpoints (risk keeps none). */
export const verdictView = (v: ChainVerdict) => ({ valid: v.valid, entries: v.entries, firstInvalidSeq: v.firstInvalidSeq });

/** Walks the entries in seq order; the first whose link or hash does not recompute is where the chain breaks. */
export async function verifyChain(entries: AsyncIterable<StoredEntry> | Iterable<StoredEntry>): Promise<ReturnType<typeof verdictView>> {
  return verdictView(await verifyLog(entries, { hashed: hashedFields }));
}
