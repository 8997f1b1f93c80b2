import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { applyIfNewer, type ReplicaTable } from '@alphintra/platform-database';
import { refreshScreenerAvailability } from '../screeners/screener-availability.policy';
import type { ReplicaChange } from './instrument-replica';

export interface FilterFacts {
  id: string;
  kind: 'numeric' | 'categorical';
  key: string;
  label: string;
}

interface Current {
  /** Null on a tombstone (a retirement of a filter never seen), like `key` and `label`. */
  kind: string | null;
  key: string | null;
  label: string | null;
  status: 'active' | 'retired';
}

const FILTER_REF: ReplicaTable = { schema: 'user_data', table: 'filter_ref', key: 'id' };

/** Keeps `filter_ref` in step with strategy by the replica rule (ADR 0032), applying the screener policy on retirement. */
@Injectable()
export class FilterReplica {
  /** Defined (or defined again after retirement): active from now. */
  async define(em: EntityManager, f: FilterFacts, at: Date): Promise<ReplicaChange> {
    const r = await applyIfNewer<Current>(em, FILTER_REF, f.id, at, () => ({ set: { kind: f.kind, key: f.key, label: f.label, status: 'active' } }));
    if (r.stale) return 'stale';
    const cur = r.prev;
    // A tombstone's facts arrive now: as good as new.
    if (!cur || cur.key === null) return 'added';
    if (cur.status === 'retired') await refreshScreenerAvailability(em, [f.id]);
    return cur.kind !== f.kind || cur.key !== f.key || cur.label !== f.label || cur.status !== 'active' ? 'updated' : 'unchanged';
  }

  /** A filter never seen gets a tombstone: nothing points at it, but an older definition must not make it active. */
  async retire(em: EntityManager, id: string, at: Date): Promise<ReplicaChange> {
    const r = await applyIfNewer<Current>(em, FILTER_REF, id, at, () => ({ set: { status: 'retired' } }));
    if (r.stale) return 'stale';
    if (!r.prev || r.prev.status === 'retired') return 'unchanged';
    await refreshScreenerAvailability(em, [id]);
    return 'retired';
  }
}
