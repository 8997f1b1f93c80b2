import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ClientConfig } from 'pg';

const run = promisify(execFile);

export class PgToolsMissing extends Error {
  override name = 'PgToolsMissing';
}

/**
 * pg_dump and pg_restore of the server's major version: an older pg_dump cannot dump the
 * server, a newer one writes SQL the server may not know (pg_dump 17's `transaction_timeout`).
 * Looked up in PG_BIN_DIR, Debian's /usr/lib/postgresql/<major>/bin, then PATH.
 */
export async function pgToolsFor(serverMajor: number, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dirs = [env.PG_BIN_DIR, `/usr/lib/postgresql/${serverMajor}/bin`, ...(env.PATH ?? '').split(':')].filter((d): d is string => !!d);
  const seen: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(join(dir, 'pg_dump')) || !existsSync(join(dir, 'pg_restore'))) continue;
    const { stdout } = await run(join(dir, 'pg_dump'), ['--version']);
    const major = Number(/(\d+)/.exec(stdout)?.[1]);
    if (major === serverMajor) return dir;
    seen.push(`${dir} (${major})`);
  }
  const installed = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').join(', ') : 'none';
  throw new PgToolsMissing(
    `pg_dump/pg_restore ${serverMajor} not found (server is ${serverMajor}; found: ${seen.join(', ') || 'none'}; /usr/lib/postgresql: ${installed}). Install postgresql-client-${serverMajor} or set PG_BIN_DIR.`,
  );
}

const pgEnv = (admin: ClientConfig, database: string): NodeJS.ProcessEnv => ({
  ...process.env,
  PGHOST: String(admin.host ?? '127.0.0.1'),
  PGPORT: String(admin.port ?? 5432),
  PGUSER: String(admin.user ?? 'postgres'),
  PGPASSWORD: String(admin.password ?? ''),
  PGDATABASE: database,
  PGCONNECT_TIMEOUT: '10',
});

/**
 * Copies one schema with everything in it (tables and rows, sequences and their values,
 * indexes, constraints, functions, triggers, owners, grants, default privileges) from one
 * database to another of the same cluster, as the admin. The target schema exists already
 * (provisioned, empty): its CREATE SCHEMA entry is left out, and the rest is restored in one
 * transaction, so a failure leaves the target as it was.
 */
export async function copySchema(bin: string, admin: ClientConfig, schema: string, from: string, to: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'alphintra-topology-'));
  const dump = join(dir, `${schema}.dump`);
  const list = join(dir, `${schema}.list`);
  try {
    await tool(bin, 'pg_dump', ['--format=custom', '--compress=0', '--no-sync', `--schema=${schema}`, `--file=${dump}`], pgEnv(admin, from));
    const toc = await tool(bin, 'pg_restore', ['--list', dump], pgEnv(admin, to));
    const createSchema = new RegExp(`^\\d+; \\d+ \\d+ SCHEMA - ${schema} `);
    await writeFile(list, toc.split('\n').map((l) => (createSchema.test(l) ? `;${l}` : l)).join('\n'));
    await tool(bin, 'pg_restore', ['--single-transaction', '--exit-on-error', `--use-list=${list}`, `--dbname=${to}`, dump], pgEnv(admin, to));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function tool(bin: string, name: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run(join(bin, name), args, { env, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`${name} ${args.filter((a) => !a.startsWith('--file')).join(' ')} failed: ${(err.stderr || err.message).trim()}`);
  }
}
