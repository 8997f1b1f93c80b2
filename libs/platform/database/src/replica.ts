import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The one staleness rule of every replica of another service's state (the `*_ref` tables;
 * ADR 0032):
 *
 * - Facts are ordered by the owner's time of the fact (the event's `time`, or a reconciliation
 *   snapshot's time), kept on the row in its clock column (`updated_at` unless a group of columns
 *   has its own, like a last price's `price_at`). There is no version: events carry none, and a
 *   snapshot has a time but no version to compare.
 * - A fact applies when the row does not exist, its clock is null, or its clock is not later than
 *   the fact's time (`clock <= at`). A tie applies: a duplicate delivery writes the same values
 *   again (the writer sees `prev` and can tell nothing changed); of two facts with one time, the
 *   one applied last wins.
 * - An older fact changes nothing, not even the clock.
 * - A delete is a tombstone, never a removed row: the row takes its deleted state (delisted,
 *   retired, not blacklisted) and the delete's time, also for a key never seen, so a create
 *   delivered after it but older than it loses.
 */
export interface ReplicaTable {
  schema: string;
  table: string;
  /** The primary key column. */
  key: string;
  /** The column ordering the facts that write `set`; `updated_at` by default. */
  clock?: string;
}

type Columns = Record<string, unknown>;

/** What a fact writes: `set` on every write, `onInsert` too when it creates the row. The helper writes the clock. */
export interface ReplicaChange {
  set: Columns;
  onInsert?: Columns;
}

export interface Applied<Row> {
  /** The fact was written. */
  applied: boolean;
  /** The row holds a later fact, so this one changed nothing. */
  stale: boolean;
  /** The row as it was before, undefined when there was none. */
  prev: Row | undefined;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
const q = (name: string): string => {
  if (!IDENT.test(name)) throw new Error(`not a plain SQL name: ${name}`);
  return `"${name}"`;
};
const names = (t: ReplicaTable) => ({ table: `${q(t.schema)}.${q(t.table)}`, bare: q(t.table), key: q(t.key), clock: q(t.clock ?? 'updated_at') });
/** The rule, in SQL: the stored clock is not later than the fact's time (null: no fact of this clock yet). */
const notLater = (stored: string, at: string): string => `coalesce(${stored} <= ${at}, true)`;

/**
 * Writes a fact whose values do not depend on the row, in one statement; true when it applied.
 * For a fact whose effect depends on what the row holds, see {@link applyIfNewer}.
 */
export async function upsertIfNewer(em: EntityManager, t: ReplicaTable, key: unknown, at: Date, change: ReplicaChange): Promise<boolean> {
  const n = names(t);
  const set = Object.entries(change.set);
  const all = Object.entries({ ...change.onInsert, ...change.set });
  const rows = await em.execute<unknown[]>(
    `insert into ${n.table} (${[n.key, ...all.map(([c]) => q(c)), n.clock].join(', ')}) values (${['?', ...all.map(() => '?'), '?'].join(', ')})
     on conflict (${n.key}) do update set ${[...set.map(([c]) => q(c)), n.clock].map((c) => `${c} = excluded.${c}`).join(', ')}
     where ${notLater(`${n.bare}.${n.clock}`, `excluded.${n.clock}`)}
     returning 1 as "applied"`,
    [key, ...all.map(([, v]) => v), at.toISOString()],
  );
  return rows.length > 0;
}

/**
 * Writes a fact whose effect depends on the row as it stands (a status transition, a policy to
 * run when it changes): locks the row, and unless it holds a later fact, writes what `decide`
 * makes of it (`prev` undefined: no row yet). `decide` may be called twice (a concurrent insert
 * of the same key), so it must only compute; returning undefined writes nothing.
 */
export async function applyIfNewer<Row extends object>(
  em: EntityManager,
  t: ReplicaTable,
  key: unknown,
  at: Date,
  decide: (prev: Row | undefined) => ReplicaChange | undefined,
): Promise<Applied<Row>> {
  const n = names(t);
  for (let attempt = 1; ; attempt++) {
    const [row] = await em.execute<(Row & { __fresh: boolean })[]>(
      `select *, ${notLater(n.clock, '?::timestamptz')} as "__fresh" from ${n.table} where ${n.key} = ? for update`,
      [at.toISOString(), key],
    );
    if (row) {
      const { __fresh: fresh, ...prev } = row;
      if (!fresh) return { applied: false, stale: true, prev: prev as Row };
      const change = decide(prev as Row);
      if (!change) return { applied: false, stale: false, prev: prev as Row };
      const set = Object.entries(change.set);
      await em.execute(`update ${n.table} set ${[...set.map(([c]) => `${q(c)} = ?`), `${n.clock} = ?`].join(', ')} where ${n.key} = ?`, [
        ...set.map(([, v]) => v),
        at.toISOString(),
        key,
      ]);
      return { applied: true, stale: false, prev: prev as Row };
    }
    const change = decide(undefined);
    if (!change) return { applied: false, stale: false, prev: undefined };
    const all = Object.entries({ ...change.onInsert, ...change.set });
    const added = await em.execute<unknown[]>(
      `insert into ${n.table} (${[n.key, ...all.map(([c]) => q(c)), n.clock].join(', ')}) values (${['?', ...all.map(() => '?'), '?'].join(', ')})
       on conflict (${n.key}) do nothing returning 1 as "added"`,
      [key, ...all.map(([, v]) => v), at.toISOString()],
    );
    if (added.length) return { applied: true, stale: false, prev: undefined };
    // Another transaction inserted the key since the select (and has committed): decide again on its row.
    if (attempt === 2) throw new Error(`${n.table}: the row of ${String(key)} neither exists nor can be inserted`);
  }
}
