import type { EntityManager } from '@mikro-orm/postgresql';
import type { KeyObject } from 'node:crypto';
import { chainHash, GENESIS_HASH, verifyChain, type ChainEntry, type ChainVerdict, type Checkpoint, type CheckpointSigner } from './hash-chain';

/** How one service's log is stored: its table, its lock, and how its entries map to rows and to their hash. */
export interface ChainLogSpec<I, E extends ChainEntry> {
  /** The chain's name, signed into its checkpoints. */
  name: string;
  schema: string;
  /** Columns: `seq bigserial primary key`, `prev_hash text`, `hash text unique`, and `columns`. */
  table: string;
  /** The advisory lock every appender takes, held to the end of its transaction. */
  lockKey: number;
  /** The other columns in insert order, each with its placeholder (`?`, `?::jsonb`, …). */
  columns: Record<string, string>;
  /** The entry an input becomes as number `seq`, appended at `at`. */
  entry(seq: string, at: Date, input: I): Omit<E, 'prevHash' | 'hash'>;
  /** The fields its hash covers. */
  hashed(e: Omit<E, 'prevHash' | 'hash'>): Record<string, unknown>;
  /** Its values for `columns`, in their order. */
  values(e: E): unknown[];
  /** An entry from a row of `seq` (text), `prev_hash`, `hash` and `columns`. */
  fromRow(row: Record<string, unknown>): E;
  /**
   * Signed checkpoints, in a table of `id bigserial`, `at`, `entries bigint`, `head_seq bigint`,
   * `head_hash`, `key_id`, `signature`: one in the appending transaction once `every` entries
   * followed the last, and whenever `HashChainLog.checkpoint` finds entries after it.
   */
  checkpoints?: { table: string; every: number };
}

interface CheckpointRow {
  id: string;
  at: Date | string;
  entries: string;
  head_seq: string;
  head_hash: string;
  key_id: string;
  signature: string;
}

const q = (ident: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(ident)) throw new Error(`unsafe identifier ${ident}`);
  return `"${ident}"`;
};

/**
 * An append-only, hash-chained log in PostgreSQL (ADR 0033). Appends join the caller's transaction
 * under the log's advisory lock, so no two link to the same predecessor and seq order is commit
 * order; reads and verification go in batches of seq.
 */
export class HashChainLog<I, E extends ChainEntry> {
  private readonly t: string;
  private readonly cp?: string;
  private readonly cols: string[];

  constructor(readonly spec: ChainLogSpec<I, E>) {
    this.t = `${q(spec.schema)}.${q(spec.table)}`;
    this.cp = spec.checkpoints ? `${q(spec.schema)}.${q(spec.checkpoints.table)}` : undefined;
    this.cols = Object.keys(spec.columns).map(q);
  }

  /**
   * The log's lock, held to the end of the transaction. A writer that also takes other locks
   * takes this one first (or last, with nothing after it), so no two wait for each other in opposite orders.
   */
  async lock(em: EntityManager): Promise<void> {
    await em.execute('select pg_advisory_xact_lock(?)', [this.spec.lockKey]);
  }

  /**
   * Appends the inputs in order, inside the caller's transaction; with a signer and a checkpoint
   * interval, also the checkpoint that falls due.
   */
  async append(em: EntityManager, inputs: I[], o: { signer?: CheckpointSigner; at?: Date } = {}): Promise<E[]> {
    if (!em.isInTransaction()) throw new Error(`${this.spec.name}: append must run inside the transaction of the change it records`);
    if (inputs.length === 0) return [];
    // Taken again (a no-op for a caller already holding it) and in a statement of its own: the
    // read below must start after the lock is held to see the last holder's row.
    await this.lock(em);
    const due = this.cp && this.spec.checkpoints && o.signer;
    const [head] = await em.execute<{ seqs: string[]; last_hash: string | null; cp_entries: string | null; since: string | null }[]>(
      `select array(select nextval(pg_get_serial_sequence(?, 'seq'))::text from generate_series(1, ?::int)) as "seqs",
              (select "hash" from ${this.t} order by "seq" desc limit 1) as "last_hash"${
                due
                  ? `, (select "entries"::text from ${this.cp} order by "id" desc limit 1) as "cp_entries",
              (select count(*)::text from ${this.t} where "seq" > coalesce((select "head_seq" from ${this.cp} order by "id" desc limit 1), 0)) as "since"`
                  : ''
              }`,
      [this.t, inputs.length],
    );
    const seqs = head!.seqs.map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // Milliseconds, so the time reads back exactly as it was hashed.
    const at = o.at ?? new Date();
    let prevHash = head!.last_hash ?? GENESIS_HASH;
    const out: E[] = [];
    for (const [i, input] of inputs.entries()) {
      const body = this.spec.entry(String(seqs[i]), at, input);
      const hash = chainHash(prevHash, this.spec.hashed(body));
      out.push({ ...body, prevHash, hash } as E);
      prevHash = hash;
    }
    const row = `(?, ${Object.values(this.spec.columns).join(', ')}, ?, ?)`;
    await em.execute(
      `insert into ${this.t} ("seq", ${this.cols.join(', ')}, "prev_hash", "hash") values ${out.map(() => row).join(', ')}`,
      out.flatMap((e) => [e.seq, ...this.spec.values(e), e.prevHash, e.hash]),
    );
    if (due && Number(head!.since) + out.length >= this.spec.checkpoints!.every) {
      const last = out[out.length - 1]!;
      await this.insertCheckpoint(em, o.signer!, Number(head!.cp_entries ?? 0) + Number(head!.since) + out.length, last, at);
    }
    return out;
  }

  /**
   * A checkpoint of the head as it is now, if entries followed the last one; in its own
   * transaction when the caller has none.
   */
  async checkpoint(em: EntityManager, signer: CheckpointSigner, at = new Date()): Promise<Checkpoint | undefined> {
    if (!this.cp) throw new Error(`${this.spec.name} keeps no checkpoints`);
    if (!em.isInTransaction()) return em.transactional((tx) => this.checkpoint(tx, signer, at));
    await this.lock(em);
    const [r] = await em.execute<{ cp_entries: string | null; since: string; head_seq: string | null; head_hash: string | null }[]>(
      `with last as (select "entries", "head_seq" from ${this.cp} order by "id" desc limit 1)
       select (select "entries"::text from last) as "cp_entries",
              (select count(*)::text from ${this.t} where "seq" > coalesce((select "head_seq" from last), 0)) as "since",
              h."seq"::text as "head_seq", h."hash" as "head_hash"
       from (select 1) x left join lateral (select "seq", "hash" from ${this.t} order by "seq" desc limit 1) h on true`,
    );
    if (!r || r.since === '0' || !r.head_seq) return undefined;
    return this.insertCheckpoint(em, signer, Number(r.cp_entries ?? 0) + Number(r.since), { seq: r.head_seq, hash: r.head_hash! }, at);
  }

  private async insertCheckpoint(em: EntityManager, signer: CheckpointSigner, entries: number, head: { seq: string; hash: string }, at: Date): Promise<Checkpoint> {
    const c = { chain: this.spec.name, entries, headSeq: head.seq, headHash: head.hash, at };
    const s = signer.sign(c);
    const [{ id }] = (await em.execute<{ id: string }[]>(
      `insert into ${this.cp} ("at", "entries", "head_seq", "head_hash", "key_id", "signature") values (?, ?, ?, ?, ?, ?) returning "id"::text as "id"`,
      [at.toISOString(), entries, head.seq, head.hash, s.keyId, s.signature],
    )) as [{ id: string }];
    return { id, ...c, ...s };
  }

  /** Up to `limit` entries after seq `after`, in seq order. */
  async page(em: EntityManager, after: string | undefined, limit: number): Promise<E[]> {
    const rows = await em.execute<Record<string, unknown>[]>(
      `select "seq"::text as "seq", ${this.cols.join(', ')}, "prev_hash", "hash" from ${this.t}
       where "seq" > ?::bigint order by ${q(this.spec.table)}."seq" limit ?`,
      [after ?? '0', limit],
    );
    return rows.map((r) => this.spec.fromRow(r));
  }

  /** Every entry in seq order, read `batch` at a time. */
  async *entries(em: EntityManager, batch = 1000): AsyncGenerator<E> {
    let after: string | undefined;
    for (;;) {
      const rows = await this.page(em, after, batch);
      yield* rows;
      if (rows.length < batch) return;
      after = rows[rows.length - 1]!.seq;
    }
  }

  /** Checkpoints up to id `upTo`, oldest first, read `batch` at a time. */
  async *checkpoints(em: EntityManager, upTo: string, batch = 1000): AsyncGenerator<Checkpoint> {
    let after = '0';
    for (;;) {
      const rows = await em.execute<CheckpointRow[]>(
        `select "id"::text as "id", "at", "entries"::text as "entries", "head_seq"::text as "head_seq", "head_hash", "key_id", "signature"
         from ${this.cp} where "id" > ?::bigint and "id" <= ?::bigint order by "id" limit ?`,
        [after, upTo, batch],
      );
      for (const r of rows)
        yield { id: r.id, chain: this.spec.name, entries: Number(r.entries), headSeq: r.head_seq, headHash: r.head_hash, at: new Date(r.at), keyId: r.key_id, signature: r.signature };
      if (rows.length < batch) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  /**
   * Recomputes the whole chain from its first entry, streaming entries and checkpoints in batches
   * (constant memory). Checkpoints are those that existed when it began, so one written during the
   * walk does not name entries the walk has passed the end of.
   */
  async verify(em: EntityManager, o: { keys?: Map<string, KeyObject>; batch?: number } = {}): Promise<ChainVerdict> {
    let checkpoints: AsyncGenerator<Checkpoint> | undefined;
    if (this.cp) {
      const [{ id }] = (await em.execute<{ id: string }[]>(`select coalesce(max("id"), 0)::text as "id" from ${this.cp}`)) as [{ id: string }];
      checkpoints = this.checkpoints(em, id, o.batch);
    }
    return verifyChain(this.entries(em, o.batch), { hashed: (e) => this.spec.hashed(e), checkpoints, keys: o.keys, chain: this.spec.name });
  }
}

/**
 * Appends what a transaction staged at its end, just before it commits (MikroORM's
 * beforeTransactionCommit), all in one append. The log's lock is then the last one the
 * transaction takes and is held only while it commits, so writers that lock rows in any order
 * (several orders, an account, a position) never wait for each other through the log, and the
 * log costs them one short critical section. A transaction that rolls back appends nothing.
 * (A savepoint's staged entries are appended when the savepoint is released.)
 */
export class CommitTimeAppender<I, E extends ChainEntry> {
  private readonly pending = new WeakMap<object, I[]>();
  private registered = false;

  constructor(
    private readonly log: HashChainLog<I, E>,
    private readonly o: { signer?: CheckpointSigner } = {},
  ) {}

  /** Hooks into the transactions of `em` and of every fork made from it afterwards. */
  register(em: EntityManager): void {
    em.getEventManager().registerSubscriber({
      beforeTransactionCommit: async (args) => {
        const items = args.transaction && this.pending.get(args.transaction);
        if (!items) return;
        this.pending.delete(args.transaction!);
        await this.log.append(args.em as EntityManager, items, this.o);
      },
      afterTransactionRollback: (args) => {
        if (args.transaction) this.pending.delete(args.transaction);
      },
    });
    this.registered = true;
  }

  /** Stages an entry to be appended when the transaction of `em` commits. */
  stage(em: EntityManager, input: I): void {
    if (!this.registered) throw new Error(`${this.log.spec.name}: stage before register would lose the entry`);
    const trx = em.getTransactionContext();
    if (!trx) throw new Error(`${this.log.spec.name}: an entry is staged inside the transaction of the change it records`);
    const items = this.pending.get(trx);
    if (items) items.push(input);
    else this.pending.set(trx, [input]);
  }
}
