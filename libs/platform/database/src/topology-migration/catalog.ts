import { Client, type ClientConfig } from 'pg';
import { databaseFor, DEFAULT_NAMING, ownerRoleOf, runtimeUserOf, schemaOf, SERVICES, type Naming, type ServiceName, type Topology } from '../topology';

/** A command line's mistake or a state the move must not proceed from; nothing was changed. */
export class TopologyMoveRefused extends Error {
  override name = 'TopologyMoveRefused';
}

export interface TopologyMoveOptions {
  admin: ClientConfig;
  from: Topology;
  to: Topology;
  services?: readonly ServiceName[];
  naming?: Naming;
  log?: (line: string) => void;
  /** How long sessions of a service's roles may take to go before the move is refused. */
  stoppedWithinMs?: number;
}

/** Where one service's schema is and goes. */
export interface Move {
  service: ServiceName;
  schema: string;
  source: string;
  target: string;
  roles: string[];
}

export function movesOf(o: TopologyMoveOptions): Move[] {
  if (o.from === o.to) throw new TopologyMoveRefused(`--from and --to are both ${o.from}`);
  const { dbPrefix, rolePrefix } = o.naming ?? DEFAULT_NAMING;
  return (o.services ?? SERVICES).map((service) => ({
    service,
    schema: schemaOf(service),
    source: databaseFor(o.from, service, dbPrefix),
    target: databaseFor(o.to, service, dbPrefix),
    roles: [ownerRoleOf(service, rolePrefix), runtimeUserOf(service, rolePrefix)],
  }));
}

export const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`;

export async function withDatabase<T>(admin: ClientConfig, database: string, f: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ ...admin, database, application_name: 'alphintra-topology' });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

export async function databaseExists(admin: ClientConfig, database: string): Promise<boolean> {
  return withDatabase(admin, 'postgres', async (c) => !!(await c.query('select 1 from pg_database where datname = $1', [database])).rowCount);
}

export interface SchemaState {
  exists: boolean;
  comment: string | null;
  /** Tables, sequences, indexes, views, functions in it. */
  objects: number;
  /** Row counts of its tables, the migrations bookkeeping left out (only when asked for). */
  rows: Map<string, number>;
}

export async function schemaState(admin: ClientConfig, database: string, schema: string, countRows = false): Promise<SchemaState> {
  if (!(await databaseExists(admin, database))) return { exists: false, comment: null, objects: 0, rows: new Map() };
  return withDatabase(admin, database, async (c) => {
    const ns = await c.query<{ comment: string | null; objects: number }>(
      `select obj_description(n.oid, 'pg_namespace') as comment,
              (select count(*) from pg_class where relnamespace = n.oid)::int + (select count(*) from pg_proc where pronamespace = n.oid)::int as objects
         from pg_namespace n where n.nspname = $1`,
      [schema],
    );
    if (!ns.rowCount) return { exists: false, comment: null, objects: 0, rows: new Map() };
    if (!countRows) return { exists: true, comment: ns.rows[0].comment, objects: ns.rows[0].objects, rows: new Map() };
    const tables = await c.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relkind in ('r', 'p') and c.relname <> 'mikro_orm_migrations' order by 1`,
      [schema],
    );
    const rows = new Map<string, number>();
    for (const t of tables.rows) rows.set(t.name, Number((await c.query(`select count(*) from ${quote(schema)}.${quote(t.name)}`)).rows[0].count));
    return { exists: true, comment: ns.rows[0].comment, objects: ns.rows[0].objects, rows };
  });
}

/** The note (a quoted literal) left on a source schema once its copy was verified: the only licence to drop it. */
export const movedNote = (target: string, at = new Date()): string => `'alphintra: moved to ${target.replace(/'/g, "''")} (verified ${at.toISOString()})'`;
export const movedTo = (comment: string | null): string | undefined => /^alphintra: moved to (\S+) /.exec(comment ?? '')?.[1];

/**
 * Refuses while a session of the service's roles is open in one of `databases`: the services
 * must be stopped. A backend of a process that just exited may linger a moment.
 */
export async function requireStopped(admin: ClientConfig, moves: Move[], databases: (m: Move) => string[], waitMs = 10_000): Promise<void> {
  const until = Date.now() + waitMs;
  for (;;) {
    const open = await withDatabase(admin, 'postgres', async (c) => {
      const found: string[] = [];
      for (const m of moves) {
        const { rows } = await c.query<{ who: string }>(
          `select usename || '@' || datname || ' ×' || count(*) as who from pg_stat_activity
            where usename = any($1) and datname = any($2) group by usename, datname order by 1`,
          [m.roles, databases(m)],
        );
        if (rows.length) found.push(`${m.service} (${rows.map((r) => r.who).join(', ')})`);
      }
      return found;
    });
    if (!open.length) return;
    if (Date.now() > until) throw new TopologyMoveRefused(`services still connected: ${open.join('; ')}. Stop them first (scale to 0) and run again.`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
