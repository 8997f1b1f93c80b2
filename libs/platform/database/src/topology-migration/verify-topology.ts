import type { ClientConfig } from 'pg';
import type { ServiceName } from '../topology';
import { movesOf, schemaState, TopologyMoveRefused, withDatabase, type Move, type TopologyMoveOptions } from './catalog';
import { snapshotSchema } from './snapshot';
import { compareSnapshots, structureDiff, type VerificationRow } from './verification';

export interface TopologyReport {
  ok: boolean;
  rows: VerificationRow[];
  moved: ServiceName[];
  failed: ServiceName[];
}

/** Source and target of one service's move, side by side; `diff` lists structure on one side only. */
export async function compareMove(admin: ClientConfig, m: Move): Promise<{ rows: VerificationRow[]; diff: string[] }> {
  const [source, target] = await Promise.all([
    withDatabase(admin, m.source, (c) => snapshotSchema(c, m.schema)),
    withDatabase(admin, m.target, (c) => snapshotSchema(c, m.schema)),
  ]);
  return { rows: compareSnapshots(m.service, source, target), diff: structureDiff(source, target) };
}

/** Compares, without changing anything, each service's schema in the `from` and the `to` layout. */
export async function verifyTopology(o: TopologyMoveOptions): Promise<TopologyReport> {
  const report: TopologyReport = { ok: true, rows: [], moved: [], failed: [] };
  for (const m of movesOf(o)) {
    for (const database of [m.source, m.target]) {
      if (!(await schemaState(o.admin, database, m.schema)).exists) throw new TopologyMoveRefused(`${m.service}: ${database} has no schema ${m.schema}`);
    }
    const { rows, diff } = await compareMove(o.admin, m);
    report.rows.push(...rows);
    if (rows.some((r) => !r.ok)) {
      report.ok = false;
      report.failed.push(m.service);
      if (diff.length) o.log?.(`${m.service}: structure differs:\n  ${diff.slice(0, 20).join('\n  ')}`);
    }
  }
  return report;
}
