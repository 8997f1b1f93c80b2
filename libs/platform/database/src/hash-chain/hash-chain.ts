import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * The pure part of an append-only, hash-chained log (ADR 0033): canonical hashing, Ed25519
 * checkpoints, and a verification that walks the entries as a stream (constant memory).
 */

/** The prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

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

/** hash = sha256(prev_hash || canonical JSON of the hashed fields), hex. */
export const chainHash = (prevHash: string, fields: Record<string, unknown>): string => createHash('sha256').update(prevHash).update(canonicalJson(fields)).digest('hex');

/** What every stored entry has; the rest is the log's own. */
export interface ChainEntry {
  seq: string;
  prevHash: string;
  hash: string;
}

/** A signed statement that the chain had `entries` entries, the last being `headSeq` with `headHash`. */
export interface Checkpoint {
  id: string;
  /** The chain's name, signed too, so a checkpoint of one log cannot stand for another's. */
  chain: string;
  entries: number;
  headSeq: string;
  headHash: string;
  at: Date;
  keyId: string;
  /** Ed25519 over `checkpointMessage`, base64. */
  signature: string;
}

export type UnsignedCheckpoint = Omit<Checkpoint, 'id' | 'keyId' | 'signature'>;

/** The bytes a checkpoint's signature covers. */
export const checkpointMessage = (c: UnsignedCheckpoint): Buffer =>
  Buffer.from(canonicalJson({ chain: c.chain, entries: String(c.entries), headSeq: c.headSeq, headHash: c.headHash, at: c.at.toISOString() }));

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519 = Buffer.from('302a300506032b6570032100', 'hex');

/** A public key's id: the first 16 hex digits of sha256 of its 32 raw bytes. */
export const keyIdOf = (rawPublicKey: Buffer): string => createHash('sha256').update(rawPublicKey).digest('hex').slice(0, 16);

export interface CheckpointSigner {
  /** The raw 32-byte public key, base64: what is published. */
  publicKey: string;
  keyId: string;
  sign(c: UnsignedCheckpoint): Pick<Checkpoint, 'keyId' | 'signature'>;
}

/** An Ed25519 signer from a 32-byte seed (`openssl rand -base64 32` makes one). */
export function checkpointSigner(seed: Buffer): CheckpointSigner {
  if (seed.length !== 32) throw new Error('an Ed25519 seed is exactly 32 bytes');
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
  const raw = createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519.length);
  const keyId = keyIdOf(raw);
  return { publicKey: raw.toString('base64'), keyId, sign: (c) => ({ keyId, signature: sign(null, checkpointMessage(c), key).toString('base64') }) };
}

/** Public keys (raw 32 bytes, base64) by key id, to verify checkpoints with. */
export function trustedKeys(publicKeys: string[]): Map<string, KeyObject> {
  const out = new Map<string, KeyObject>();
  for (const k of publicKeys) {
    const raw = Buffer.from(k, 'base64');
    if (raw.length !== 32) throw new Error('an Ed25519 public key is exactly 32 bytes');
    out.set(keyIdOf(raw), createPublicKey({ key: Buffer.concat([SPKI_ED25519, raw]), format: 'der', type: 'spki' }));
  }
  return out;
}

/** Whether a trusted key made this checkpoint's signature. */
export function checkpointSigned(c: Checkpoint, keys: Map<string, KeyObject>): boolean {
  const key = keys.get(c.keyId);
  if (!key) return false;
  try {
    return verify(null, checkpointMessage(c), key, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

export interface ChainVerdict {
  valid: boolean;
  /** Entries read. */
  entries: number;
  /** The first entry that does not recompute or link, or the head a checkpoint names that is missing; null when valid. */
  firstInvalidSeq: string | null;
  /** Why the chain is invalid, in words; null when valid. */
  problem: string | null;
  /** Checkpoints read (all of them checked). */
  checkpoints: number;
  /** The newest checkpoint, whose head must be there: entries deleted after it go unnoticed, before it do not. */
  lastCheckpoint: Omit<Checkpoint, 'chain' | 'signature'> | null;
}

export interface VerifyOptions<E extends ChainEntry> {
  /** The fields of an entry its hash covers (everything but prevHash and hash). */
  hashed: (e: E) => Record<string, unknown>;
  /** This log's checkpoints in the order of their `entries`, and the keys to check them with. */
  checkpoints?: AsyncIterable<Checkpoint> | Iterable<Checkpoint>;
  keys?: Map<string, KeyObject>;
  chain?: string;
}

/**
 * Walks the entries in seq order, holding one entry and one checkpoint at a time: the first whose
 * link or hash does not recompute is where the chain breaks. Every checkpoint must carry a valid
 * signature and name the entry the walk reached at its count; one beyond the end means entries
 * were removed from the tail.
 */
export async function verifyChain<E extends ChainEntry>(entries: AsyncIterable<E> | Iterable<E>, o: VerifyOptions<E>, startHash = GENESIS_HASH): Promise<ChainVerdict> {
  const cps = o.checkpoints ? iterate(o.checkpoints) : undefined;
  let prev = startHash;
  let n = 0;
  let firstInvalidSeq: string | null = null;
  let problem: string | null = null;
  const fail = (seq: string, why: string) => {
    if (firstInvalidSeq === null) [firstInvalidSeq, problem] = [seq, why];
  };
  let checkpoints = 0;
  let last: Checkpoint | null = null;
  let pending: Checkpoint | undefined;
  const nextCheckpoint = async (): Promise<Checkpoint | undefined> => {
    const r = cps ? await cps.next() : { done: true as const, value: undefined };
    if (r.done) return undefined;
    const c = r.value;
    checkpoints++;
    if (last && c.entries < last.entries) fail(c.headSeq, `checkpoint ${c.id} counts fewer entries (${c.entries}) than the one before it (${last.entries})`);
    if (o.chain !== undefined && c.chain !== o.chain) fail(c.headSeq, `checkpoint ${c.id} is of another chain (${c.chain})`);
    if (!checkpointSigned(c, o.keys ?? new Map())) fail(c.headSeq, `checkpoint ${c.id} is not signed by a trusted key (key ${c.keyId})`);
    last = c;
    return c;
  };
  pending = await nextCheckpoint();
  for await (const e of entries) {
    n++;
    if (e.prevHash !== prev) fail(e.seq, `entry ${e.seq} does not link to the entry before it (one was removed, or its link was changed)`);
    else if (chainHash(prev, o.hashed(e)) !== e.hash) fail(e.seq, `entry ${e.seq} does not recompute (it was changed)`);
    prev = e.hash;
    while (pending && pending.entries <= n) {
      if (pending.entries < n || pending.headSeq !== e.seq || pending.headHash !== e.hash)
        fail(pending.entries < n ? pending.headSeq : e.seq, `checkpoint ${pending.id} names entry ${pending.headSeq} as number ${pending.entries}, which is not what the chain has there`);
      pending = await nextCheckpoint();
    }
  }
  for (; pending; pending = await nextCheckpoint()) {
    fail(pending.headSeq, `checkpoint ${pending.id} covers ${pending.entries} entries but only ${n} are there (entries were removed from the end)`);
  }
  const l = last as Checkpoint | null;
  return {
    valid: firstInvalidSeq === null,
    entries: n,
    firstInvalidSeq,
    problem,
    checkpoints,
    lastCheckpoint: l ? { id: l.id, entries: l.entries, headSeq: l.headSeq, headHash: l.headHash, at: l.at, keyId: l.keyId } : null,
  };
}

async function* each<T>(items: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
const iterate = <T>(items: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> => each(items)[Symbol.asyncIterator]();
