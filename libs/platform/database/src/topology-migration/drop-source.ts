import { movedTo, movesOf, quote, requireStopped, schemaState, TopologyMoveRefused, withDatabase, type TopologyMoveOptions } from './catalog';

/**
 * The move's last, separate step: drops each service's schema from its `from` database, only
 * where `migrateTopology` verified the copy in the `to` database, and then the database itself
 * once no service schema is left in it.
 */
export async function dropTopologySource(o: TopologyMoveOptions): Promise<string[]> {
  const log = o.log ?? (() => undefined);
  const moves = movesOf(o);
  for (const m of moves) {
    const source = await schemaState(o.admin, m.source, m.schema);
    if (!source.exists) continue;
    if (movedTo(source.comment) !== m.target) {
      throw new TopologyMoveRefused(`${m.service}: ${m.source}.${m.schema} has no verified copy in ${m.target}; run migrate-topology --from ${o.from} --to ${o.to} first`);
    }
    if (!(await schemaState(o.admin, m.target, m.schema)).exists) throw new TopologyMoveRefused(`${m.service}: ${m.target} has no schema ${m.schema}`);
  }
  await requireStopped(o.admin, moves, (m) => [m.source], o.stoppedWithinMs);
  const dropped: string[] = [];
  for (const m of moves) {
    if (!(await schemaState(o.admin, m.source, m.schema)).exists) continue;
    await withDatabase(o.admin, m.source, (c) => c.query(`drop schema ${quote(m.schema)} cascade`));
    dropped.push(`${m.source}.${m.schema}`);
    log(`${m.service}: dropped ${m.source}.${m.schema}`);
  }
  for (const database of new Set(moves.map((m) => m.source))) {
    const exists = await withDatabase(o.admin, 'postgres', async (c) => !!(await c.query('select 1 from pg_database where datname = $1', [database])).rowCount);
    if (!exists) continue;
    const left = await withDatabase(o.admin, database, async (c) => {
      const { rows } = await c.query<{ n: number }>(
        `select (select count(*) from pg_namespace where nspname not in ('public', 'information_schema') and nspname not like 'pg\\_%')::int
              + (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public')::int as n`,
      );
      return rows[0].n;
    });
    if (left) continue;
    await withDatabase(o.admin, 'postgres', (c) => c.query(`drop database ${quote(database)}`));
    dropped.push(database);
    log(`dropped database ${database}, no schema left in it`);
  }
  return dropped;
}
