import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { HashChainLog } from '@alphintra/platform-database';
import { hashedFields, type StoredEntry } from './hash-chain';

/** Every appender of the chain takes this lock, so two appends never link to the same predecessor. */
export const COMPLIANCE_LOG_LOCK = 0x52_49_53_4b; // 'RISK'

export interface LogEntryInput {
  actor: string;
  kind: string;
  subject: string;
  payload: Record<string, unknown>;
}

export const toStored = (r: Record<string, unknown>): StoredEntry => ({
  seq: String(r.seq),
  at: new Date(r.at as string | Date),
  actor: r.actor as string,
  kind: r.kind as string,
  subject: r.subject as string,
  payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
  prevHash: r.prev_hash as string,
  hash: r.hash as string,
});

/** risk's log as the platform's hash-chained log stores it (ADR 0033). */
export const complianceChain = new HashChainLog<LogEntryInput, StoredEntry>({
  name: 'risk.compliance_log',
  schema: 'risk_data',
  table: 'compliance_log',
  lockKey: COMPLIANCE_LOG_LOCK,
  columns: { at: '?', actor: '?', kind: '?', subject: '?', payload: '?::jsonb' },
  entry: (seq, at, e) => ({ seq, at, actor: e.actor, kind: e.kind, subject: e.subject, payload: JSON.parse(JSON.stringify(e.payload)) as Record<string, unknown> }),
  hashed: hashedFields,
  values: (e) => [e.at.toISOString(), e.actor, e.kind, e.subject, JSON.stringify(e.payload)],
  fromRow: toStored,
});

/** The append-only, hash-chained log; appends join the caller's transaction. */
@Injectable()
export class ComplianceLog {
  readonly chain = complianceChain;

  /**
   * The log's lock, held to the end of the transaction. A writer that also takes other locks
   * takes this one first, so two writers never wait for each other in opposite orders.
   */
  async lock(em: EntityManager): Promise<void> {
    await this.chain.lock(em);
  }

  async append(em: EntityManager, e: LogEntryInput): Promise<StoredEntry> {
    if (!em.isInTransaction()) throw new Error('ComplianceLog.append must run inside the transaction of the change it records');
    const [entry] = await this.chain.append(em, [e]);
    return entry!;
  }

  async page(em: EntityManager, after: string | undefined, limit: number): Promise<StoredEntry[]> {
    return this.chain.page(em, after, limit);
  }
}
