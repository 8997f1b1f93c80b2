import { createHash } from 'node:crypto';

/** The prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedFields {
  seq: string;
  at: Date;
  actor: string;
  kind: string;
  subject: string;
  payload: unknown;
}

/** JSON with object keys sorted at every level, so jsonb's own key order does not matter. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('non-finite numbers have no canonical JSON');
    return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

/** hash = sha256(prev_hash || canonical JSON of (seq, at, actor, kind, subject, payload)), hex. */
export function entryHash(prevHash: string, e: ChainedFields): string {
  const body = canonicalJson({ seq: String(e.seq), at: e.at.toISOString(), actor: e.actor, kind: e.kind, subject: e.subject, payload: e.payload });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

export interface StoredEntry extends ChainedFields {
  prevHash: string;
  hash: string;
}

/** Walks all entries in seq order; the first whose link or hash does not recompute is where the chain breaks. */
export function verifyChain(entries: Iterable<StoredEntry>, startHash = GENESIS_HASH): { valid: boolean; entries: number; firstInvalidSeq: string | null } {
  let prev = startHash;
  let n = 0;
  let firstInvalidSeq: string | null = null;
  for (const e of entries) {
    n++;
    if (firstInvalidSeq === null && (e.prevHash !== prev || entryHash(prev, e) !== e.hash)) firstInvalidSeq = String(e.seq);
    prev = e.hash;
  }
  return { valid: firstInvalidSeq === null, entries: n, firstInvalidSeq };
}
