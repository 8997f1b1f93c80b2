import { execFile } from 'node:child_process';
import { mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { DatabaseConnection } from './database.env';
import { grantTablePrivileges } from './provision';
import { schemaOf, type ServiceName } from './topology';
import { pgToolsFor } from './topology-migration/pg-tools';

const run = promisify(execFile);

/** The backup or restore could not be done; nothing was written (ADR 0008). */
export class BackupRefused extends Error {
  override name = 'BackupRefused';
}

export interface BackupOptions {
  service: ServiceName;
  /** The service's owner role on the database its schema lives in. */
  owner: DatabaseConnection;
  file: string;
}

/**
 * `pg_dump --format=custom` of the service's schema, as its owner role: what the role can read
 * is what a backup holds. Written beside `file` and renamed, so `file` is always a whole dump.
 */
export async function backupService(o: BackupOptions): Promise<{ file: string; bytes: number }> {
  const bin = await pgToolsFor(await serverMajor(o.owner));
  const partial = `${o.file}.partial`;
  try {
    await tool(bin, 'pg_dump', ['--format=custom', `--schema=${schemaOf(o.service)}`, '--strict-names', '--lock-wait-timeout=120000', `--file=${partial}`], o.owner);
    await rename(partial, o.file);
  } finally {
    await rm(partial, { force: true });
  }
  return { file: o.file, bytes: (await stat(o.file)).size };
}

export interface RestoreOptions extends BackupOptions {
  /** The runtime user whose table privileges are applied again after the restore. */
  runtimeUser: string;
}

/**
 * Restores a dump of `backupService` into the service's schema as its owner role. The schema
 * must exist, be the owner's and be empty (as provisioning leaves it): the dump's own CREATE
 * SCHEMA is skipped, everything else is restored in one transaction without the dump's owners
 * and grants, and the runtime user's table privileges are applied as provisioning does, so a
 * dump restores into any installation of any topology.
 */
export async function restoreService(o: RestoreOptions): Promise<{ tables: number }> {
  const schema = schemaOf(o.service);
  const bin = await pgToolsFor(await serverMajor(o.owner));
  const toc = await tool(bin, 'pg_restore', ['--list', o.file], o.owner);
  const schemas = [...toc.matchAll(/^\d+; \d+ \d+ SCHEMA - (\S+) /gm)].map((m) => m[1]);
  if (schemas.join() !== schema) throw new BackupRefused(`${o.file} holds schema ${schemas.join(', ') || '(none)'}, not ${schema}`);
  await withClient(o.owner, (c) => requireEmptyOwnSchema(c, schema, o.owner.database));

  const dir = await mkdtemp(join(tmpdir(), 'alphintra-restore-'));
  try {
    const list = join(dir, 'toc.list');
    await writeFile(list, toc.replace(/^(\d+; \d+ \d+ SCHEMA - )/gm, ';$1'));
    await tool(bin, 'pg_restore', ['--single-transaction', '--exit-on-error', '--no-owner', '--no-acl', `--use-list=${list}`, `--dbname=${o.owner.database}`, o.file], o.owner);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return withClient(o.owner, async (c) => {
    await grantTablePrivileges(c, o.service, o.runtimeUser);
    const { rows } = await c.query<{ n: number }>("select count(*)::int as n from pg_tables where schemaname = $1", [schema]);
    return { tables: rows[0].n };
  });
}

async function requireEmptyOwnSchema(c: Client, schema: string, database: string): Promise<void> {
  const { rows } = await c.query<{ mine: boolean; objects: number }>(
    `select n.nspowner = (select oid from pg_roles where rolname = current_user) as mine,
            (select count(*) from pg_class where relnamespace = n.oid)::int
          + (select count(*) from pg_proc where pronamespace = n.oid)::int
          + (select count(*) from pg_type t where t.typnamespace = n.oid and t.typtype in ('e', 'd', 'c') and t.typrelid = 0)::int as objects
       from pg_namespace n where n.nspname = $1`,
    [schema],
  );
  if (!rows.length) throw new BackupRefused(`${database} has no schema ${schema}: run \`ops provision\` first`);
  if (!rows[0].mine) throw new BackupRefused(`${schema} in ${database} is not owned by ${await currentUser(c)}: restore as the service's owner role`);
  if (rows[0].objects) {
    throw new BackupRefused(`${schema} in ${database} is not empty (${rows[0].objects} objects): restore goes into an empty schema; drop it and run \`ops provision\` (and no migration) first`);
  }
}

const currentUser = async (c: Client): Promise<string> => (await c.query<{ u: string }>('select current_user as u')).rows[0].u;

async function serverMajor(conn: DatabaseConnection): Promise<number> {
  return withClient(conn, async (c) => Math.floor(Number((await c.query('show server_version_num')).rows[0].server_version_num) / 10_000));
}

async function withClient<T>(conn: DatabaseConnection, f: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ ...conn, application_name: 'alphintra-backup' });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/** Runs a client tool as `conn`'s role; the password travels in the environment, never in argv. */
async function tool(bin: string, name: string, args: string[], conn: DatabaseConnection): Promise<string> {
  const env = { ...process.env, PGHOST: conn.host, PGPORT: String(conn.port), PGUSER: conn.user, PGPASSWORD: conn.password, PGDATABASE: conn.database, PGCONNECT_TIMEOUT: '10' };
  try {
    return (await run(join(bin, name), ['--no-password', ...args], { env, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${name} as ${conn.user} on ${conn.database} failed: ${(err.stderr || err.message).trim()}`);
  }
}
