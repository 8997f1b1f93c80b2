import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { refreshScreenerAvailability } from '../screeners/screener-availability.policy';
import type { ReplicaChange } from './instrument-replica';

export interface FilterFacts {
  id: string;
  kind: 'numeric' | 'categorical';
  key: string;
  label: string;
}

interface Current {
  kind: string;
  key: string;
  label: string;
  status: 'active' | 'retired';
  stale: boolean;
}

/** Keeps `filter_ref` in step with strategy, applying the screener policy on retirement. */
@Injectable()
export class FilterReplica {
  /** Defined (or defined again after retirement): active from now. */
  async define(em: EntityManager, f: FilterFacts, at: Date): Promise<ReplicaChange> {
    const added = await em.execute<unknown[]>(
      `insert into "user_data"."filter_ref" ("id", "kind", "key", "label", "status", "updated_at") values (?, ?, ?, ?, 'active', ?)
       on conflict ("id") do nothing returning "id"`,
      [f.id, f.kind, f.key, f.label, at.toISOString()],
    );
    if (added.length) return 'added';
    const cur = await this.current(em, f.id, at);
    if (!cur || cur.stale) return 'stale';
    await em.execute(`update "user_data"."filter_ref" set "kind" = ?, "key" = ?, "label" = ?, "status" = 'active', "updated_at" = ? where "id" = ?`, [
      f.kind,
      f.key,
      f.label,
      at.toISOString(),
      f.id,
    ]);
    if (cur.status === 'retired') await refreshScreenerAvailability(em, [f.id]);
    return cur.kind !== f.kind || cur.key !== f.key || cur.label !== f.label || cur.status !== 'active' ? 'updated' : 'unchanged';
  }

  async retire(em: EntityManager, id: string, at: Date): Promise<ReplicaChange> {
    const cur = await this.current(em, id, at);
    if (!cur) return 'unchanged';
    if (cur.stale) return 'stale';
    await em.execute(`update "user_data"."filter_ref" set "status" = 'retired', "updated_at" = ? where "id" = ?`, [at.toISOString(), id]);
    if (cur.status === 'retired') return 'unchanged';
    await refreshScreenerAvailability(em, [id]);
    return 'retired';
  }

  private async current(em: EntityManager, id: string, at: Date): Promise<Current | undefined> {
    const [row] = await em.execute<Current[]>(
      `select "kind", "key", "label", "status", "updated_at" > ?::timestamptz as "stale" from "user_data"."filter_ref" where "id" = ? for update`,
      [at.toISOString(), id],
    );
    return row;
  }
}
