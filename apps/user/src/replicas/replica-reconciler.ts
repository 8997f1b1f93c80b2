import type { EntityManager } from '@mikro-orm/postgresql';
import { FilterRef } from './filter-ref.entity';
import { FilterReplica } from './filter-replica';
import { InstrumentRef } from './instrument-ref.entity';
import { InstrumentReplica, type ReplicaChange } from './instrument-replica';
import type { StrategyCatalog } from './strategy-catalog';

export interface ReconciliationReport {
  added: { instruments: string[]; filters: string[] };
  updated: { instruments: string[]; filters: string[] };
  delisted: string[];
  retired: string[];
  dryRun: boolean;
}

class DryRunRollback extends Error {}

/**
 * Compares the replicas with what strategy says now and heals the drift an event lost or
 * reordered could leave: missing keys inserted, changed ones updated, keys strategy no longer
 * lists delisted or retired, through the same policies the events apply.
 */
export class ReplicaReconciler {
  constructor(
    private readonly catalog: StrategyCatalog,
    private readonly instruments = new InstrumentReplica(),
    private readonly filters = new FilterReplica(),
  ) {}

  async reconcile(em: EntityManager, o: { dryRun?: boolean } = {}): Promise<ReconciliationReport> {
    // The snapshot is as of the first request: an event newer than that wins over it.
    const at = new Date();
    const [instruments, filters] = await Promise.all([this.catalog.instruments(), this.catalog.filters()]);
    const report: ReconciliationReport = { added: { instruments: [], filters: [] }, updated: { instruments: [], filters: [] }, delisted: [], retired: [], dryRun: !!o.dryRun };
    const note = (change: ReplicaChange, key: string, kind: 'instruments' | 'filters') => {
      if (change === 'added' || change === 'updated') report[change][kind].push(key);
      if (change === 'delisted') report.delisted.push(key);
      if (change === 'retired') report.retired.push(key);
    };
    try {
      await em.transactional(async (tx) => {
        const knownInstruments = new Map((await tx.find(InstrumentRef, {})).map((r) => [r.symbol, r]));
        for (const i of instruments) {
          const r = knownInstruments.get(i.symbol);
          knownInstruments.delete(i.symbol);
          if (!i.listed) note(r ? await this.instruments.delist(tx, i.symbol, at) : 'unchanged', i.symbol, 'instruments');
          else if (!r || r.name !== i.name || r.exchange !== i.exchange || r.status !== 'listed') note(await this.instruments.apply(tx, i, at, true), i.symbol, 'instruments');
        }
        for (const symbol of knownInstruments.keys()) note(await this.instruments.delist(tx, symbol, at), symbol, 'instruments');

        const knownFilters = new Map((await tx.find(FilterRef, {})).map((r) => [r.id, r]));
        for (const f of filters) {
          const r = knownFilters.get(f.id);
          knownFilters.delete(f.id);
          if (!f.active) note(r ? await this.filters.retire(tx, f.id, at) : 'unchanged', f.id, 'filters');
          else if (!r || r.kind !== f.kind || r.key !== f.key || r.label !== f.label || r.status !== 'active') note(await this.filters.define(tx, f, at), f.id, 'filters');
        }
        for (const id of knownFilters.keys()) note(await this.filters.retire(tx, id, at), id, 'filters');
        if (o.dryRun) throw new DryRunRollback();
      });
    } catch (e) {
      if (!(e instanceof DryRunRollback)) throw e;
    }
    return report;
  }
}
