import type { ClientConfig } from 'pg';
import { provision, type ServiceCredentials } from '../provision';
import type { ServiceName } from '../topology';
import {
  movedNote,
  movedTo,
  movesOf,
  quote,
  requireStopped,
  schemaState,
  TopologyMoveRefused,
  withDatabase,
  type Move,
  type TopologyMoveOptions,
} from './catalog';
import { copySchema, pgToolsFor } from './pg-tools';
import { compareMove, type TopologyReport } from './verify-topology';
import type { VerificationRow } from './verification';

export interface MigrateTopologyOptions extends TopologyMoveOptions {
  /** The roles' passwords, for provisioning the target layout (as `provision` takes them). */
  credentials: Record<ServiceName, ServiceCredentials>;
  /** Replace a target schema that has tables, provided every one of them is empty. */
  forceEmptyCheck?: boolean;
  /** Called between a service's copy and its verification (tests tamper with the copy here). */
  afterCopy?: (move: Move, target: ClientConfig) => Promise<void>;
}

/**
 * Moves each service's schema, with its data, from its database in one topology to its
 * database in another, with the services stopped: provisions the target layout, copies the
 * schema with pg_dump/pg_restore, and compares source and target (rows and checksums per
 * table, sequence values, structure). A verified source is noted as moved and its roles lose
 * CONNECT to it, but it stays until `dropTopologySource`; a mismatch leaves the source as it
 * was and the target schema empty again.
 */
export async function migrateTopology(o: MigrateTopologyOptions): Promise<TopologyReport> {
  const log = o.log ?? (() => undefined);
  const plans = [];
  for (const m of movesOf(o)) plans.push({ m, ...(await plan(o, m)) });
  const todo = plans.filter((p) => !p.done);
  for (const p of plans.filter((x) => x.done)) log(`${p.m.service}: already moved to ${p.m.target}, skipped`);
  if (!todo.length) return { ok: true, rows: [], moved: [], failed: [] };
  await requireStopped(o.admin, todo.map((p) => p.m), (m) => [m.source, m.target], o.stoppedWithinMs);

  for (const p of todo.filter((x) => x.replace)) await dropEmptySchema(o.admin, p.m);
  await provision({ admin: o.admin, topology: o.to, credentials: o.credentials, services: todo.map((p) => p.m.service), naming: o.naming, log });
  const bin = await pgToolsFor(await serverMajor(o.admin));
  const exclusively = serially();

  // a few schemas at a time: each copy is mostly waiting on pg_dump, pg_restore and the server
  const outcomes = await inParallel(todo.map((p) => p.m), COPIES_AT_ONCE, (m) => moveOne(o, bin, m, log, exclusively));
  const report: TopologyReport = { ok: true, rows: [], moved: [], failed: [] };
  for (const { m, rows, ok } of outcomes) {
    report.rows.push(...rows);
    (ok ? report.moved : report.failed).push(m.service);
    report.ok &&= ok;
  }
  return report;
}

const COPIES_AT_ONCE = 4;

/** Runs catalog changes one at a time: concurrent GRANT/REVOKE on one database fail ("tuple concurrently updated"). */
function serially(): <T>(f: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (f) => {
    const result = tail.then(f);
    tail = result.catch(() => undefined);
    return result;
  };
}

async function moveOne(
  o: MigrateTopologyOptions,
  bin: string,
  m: Move,
  log: (line: string) => void,
  exclusively: <T>(f: () => Promise<T>) => Promise<T>,
): Promise<{ m: Move; rows: VerificationRow[]; ok: boolean }> {
  const started = Date.now();
  await copySchema(bin, o.admin, m.schema, m.source, m.target);
  await o.afterCopy?.(m, { ...o.admin, database: m.target });
  const { rows, diff } = await compareMove(o.admin, m);
  if (rows.every((r) => r.ok)) {
    await exclusively(async () => {
      await withDatabase(o.admin, m.source, (c) => c.query(`comment on schema ${quote(m.schema)} is ${movedNote(m.target)}`));
      await withDatabase(o.admin, 'postgres', (c) => c.query(`revoke connect on database ${quote(m.source)} from ${m.roles.map(quote).join(', ')}`));
    });
    log(`${m.service}: ${m.source}.${m.schema} → ${m.target}.${m.schema} copied and verified in ${Date.now() - started} ms`);
    return { m, rows, ok: true };
  }
  await exclusively(async () => {
    await withDatabase(o.admin, m.target, (c) => c.query(`drop schema ${quote(m.schema)} cascade`));
    await provision({ admin: o.admin, topology: o.to, credentials: o.credentials, services: [m.service], naming: o.naming });
  });
  log(`${m.service}: the copy differs from ${m.source}.${m.schema}; the copy was removed, the source is untouched${diff.length ? `:\n  ${diff.slice(0, 20).join('\n  ')}` : ''}`);
  return { m, rows, ok: false };
}

/** `f` over `items`, `limit` at a time, results in the items' order; waits for all before failing. */
async function inParallel<T, R>(items: T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await f(items[i]).then(
        (value) => ({ status: 'fulfilled', value }) as const,
        (reason) => ({ status: 'rejected', reason }) as const,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<R>).value);
}

async function plan(o: MigrateTopologyOptions, m: Move): Promise<{ done: boolean; replace: boolean }> {
  if (m.source === m.target) throw new TopologyMoveRefused(`${m.service}: ${o.from} and ${o.to} both keep it in ${m.source}`);
  const [source, target] = [await schemaState(o.admin, m.source, m.schema), await schemaState(o.admin, m.target, m.schema, true)];
  if (!source.exists) throw new TopologyMoveRefused(`${m.service}: nothing to move, ${m.source} has no schema ${m.schema}`);
  const moved = movedTo(source.comment);
  if (moved === m.target && target.exists) return { done: true, replace: false };
  if (moved) throw new TopologyMoveRefused(`${m.service}: ${m.source}.${m.schema} was moved to ${moved} already and is kept only until dropped`);
  if (!target.exists || target.objects === 0) return { done: false, replace: false };
  const full = [...target.rows].filter(([, n]) => n > 0).map(([t, n]) => `${t} (${n} rows)`);
  if (full.length) throw new TopologyMoveRefused(`${m.service}: ${m.target}.${m.schema} holds data already: ${full.join(', ')}`);
  if (!o.forceEmptyCheck) {
    throw new TopologyMoveRefused(
      `${m.service}: ${m.target}.${m.schema} exists with ${target.objects} objects (all its tables are empty); --force-empty-check replaces it`,
    );
  }
  return { done: false, replace: true };
}

/** Drops a target schema whose tables are all empty, checked again under lock. */
async function dropEmptySchema(admin: ClientConfig, m: Move): Promise<void> {
  await withDatabase(admin, m.target, async (c) => {
    await c.query('begin');
    try {
      const tables = (
        await c.query<{ name: string }>(
          `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relkind in ('r', 'p') and c.relname <> 'mikro_orm_migrations'`,
          [m.schema],
        )
      ).rows.map((r) => `${quote(m.schema)}.${quote(r.name)}`);
      if (tables.length) await c.query(`lock table ${tables.join(', ')} in access exclusive mode`);
      for (const t of tables) {
        if ((await c.query(`select 1 from ${t} limit 1`)).rowCount) throw new TopologyMoveRefused(`${m.service}: ${m.target} ${t} is no longer empty`);
      }
      await c.query(`drop schema ${quote(m.schema)} cascade`);
      await c.query('commit');
    } catch (e) {
      await c.query('rollback');
      throw e;
    }
  });
}

async function serverMajor(admin: ClientConfig): Promise<number> {
  return withDatabase(admin, 'postgres', async (c) => Math.floor(Number((await c.query('show server_version_num')).rows[0].server_version_num) / 10_000));
}
