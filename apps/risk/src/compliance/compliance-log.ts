import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { entryHash, GENESIS_HASH, type StoredEntry } from './hash-chain';

/** Every appender of the chain takes this lock, so two appends never link to the same predecessor. */
export const COMPLIANCE_LOG_LOCK = 0x52_49_53_4b; // 'RISK'

export interface LogEntryInput {
  actor: string;
  kind: string;
  subject: string;
  payload: Record<string, unknown>;
}

interface Row {
  seq: string;
  at: Date | string;
  actor: string;
  kind: string;
  subject: string;
  payload: unknown;
  prev_hash: string;
  hash: string;
}

export const toStored = (r: Row): StoredEntry => ({
  seq: String(r.seq),
  at: new Date(r.at),
  actor: r.actor,
  kind: r.kind,
  subject: r.subject,
  payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** The append-only, hash-chained log; appends join the caller's transaction. */
@Injectable()
export class ComplianceLog {
  /**
   * The log's lock, held to the end of the transaction. A writer that also takes other locks
   * takes this one first, so two writers never wait for each other in opposite orders.
   */
  async lock(em: EntityManager): Promise<void> {
    await em.execute('select pg_advisory_xact_lock(?)', [COMPLIANCE_LOG_LOCK]);
  }

  async append(em: EntityManager, e: LogEntryInput): Promise<StoredEntry> {
    if (!em.isInTransaction()) throw new Error('ComplianceLog.append must run inside the transaction of the change it records');
    // Taken again (a no-op for a caller already holding it) and in a statement of its own: the
    // read below must start after the lock is held to see the last holder's row.
    await this.lock(em);
    const [{ seq, last_hash }] = (await em.execute<{ seq: string; last_hash: string | null }[]>(
      `select nextval(pg_get_serial_sequence('"risk_data"."compliance_log"', 'seq'))::text as "seq",
              (select "hash" from "risk_data"."compliance_log" order by "seq" desc limit 1) as "last_hash"`,
    )) as [{ seq: string; last_hash: string | null }];
    // Milliseconds, so the time reads back exactly as it was hashed.
    const at = new Date();
    const prevHash = last_hash ?? GENESIS_HASH;
    const payload = JSON.parse(JSON.stringify(e.payload)) as Record<string, unknown>;
    const hash = entryHash(prevHash, { seq, at, ...e, payload });
    await em.execute(
      `insert into "risk_data"."compliance_log" ("seq", "at", "actor", "kind", "subject", "payload", "prev_hash", "hash") values (?, ?, ?, ?, ?, ?::jsonb, ?, ?)`,
      [seq, at.toISOString(), e.actor, e.kind, e.subject, JSON.stringify(payload), prevHash, hash],
    );
    return { seq, at, ...e, payload, prevHash, hash };
  }

  async page(em: EntityManager, after: string | undefined, limit: number): Promise<StoredEntry[]> {
    const rows = await em.execute<Row[]>(
      `select "seq"::text as "seq", "at", "actor", "kind", "subject", "payload", "prev_hash", "hash" from "risk_data"."compliance_log"
       where "seq" > ?::bigint order by "compliance_log"."seq" limit ?`,
      [after ?? '0', limit],
    );
    return rows.map(toStored);
  }
}
