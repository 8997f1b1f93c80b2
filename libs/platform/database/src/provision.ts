import { Client, type ClientConfig } from 'pg';
import { z } from 'zod';
import { loadEnv } from '@alphintra/platform-config';
import {
  databaseFor,
  databasesOf,
  ownerRoleOf,
  runtimeUserOf,
  schemaOf,
  SERVICES,
  type ServiceName,
  type Topology,
  DEFAULT_NAMING,
  type Naming,
} from './topology';

export interface ServiceCredentials {
  ownerPassword: string;
  runtimePassword: string;
}

/** Session limits set on each runtime user (ALTER ROLE … SET), so no request can hold the database for long. */
export interface RuntimeTimeouts {
  statementMs: number;
  lockMs: number;
  idleInTransactionMs: number;
}

const ms = (fallback: number) => z.coerce.number().int().min(100).max(3_600_000).default(fallback);

/** `DB_RUNTIME_*_TIMEOUT_MS` of the provisioning job; the defaults suit request-sized work. */
export const runtimeTimeoutsEnv = z
  .object({
    DB_RUNTIME_STATEMENT_TIMEOUT_MS: ms(10_000),
    DB_RUNTIME_LOCK_TIMEOUT_MS: ms(5_000),
    DB_RUNTIME_IDLE_IN_TRANSACTION_TIMEOUT_MS: ms(60_000),
  })
  .transform((e): RuntimeTimeouts => ({
    statementMs: e.DB_RUNTIME_STATEMENT_TIMEOUT_MS,
    lockMs: e.DB_RUNTIME_LOCK_TIMEOUT_MS,
    idleInTransactionMs: e.DB_RUNTIME_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  }));

export interface ProvisionOptions {
  admin: ClientConfig;
  /** Read from the environment (`runtimeTimeoutsEnv`) when absent. */
  runtimeTimeouts?: RuntimeTimeouts;
  topology: Topology;
  credentials: Record<ServiceName, ServiceCredentials>;
  services?: readonly ServiceName[];
  naming?: Naming;
  log?: (line: string) => void;
}

/** Tables whose rows can only be added: the runtime user gets SELECT and INSERT, nothing else. */
export const APPEND_ONLY_TABLES: Partial<Record<ServiceName, string[]>> = { risk: ['compliance_log'], trading: ['order_record', 'order_record_checkpoint'] };

/** Migration bookkeeping: the runtime user has no business there. */
const OWNER_ONLY_TABLES = ['mikro_orm_migrations'];

const ident = (s: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(s)) throw new Error(`unsafe identifier ${s}`);
  return `"${s}"`;
};
const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const ROLE_ATTRS = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT';

/**
 * Creates databases, schemas, owner roles and runtime users of one topology with least
 * privilege. Idempotent: a second run finds everything in place and changes nothing.
 */
export async function provision(o: ProvisionOptions): Promise<void> {
  const log = o.log ?? (() => undefined);
  const services = o.services ?? SERVICES;
  const timeouts = o.runtimeTimeouts ?? loadEnv(runtimeTimeoutsEnv, process.env);
  const { dbPrefix, rolePrefix } = o.naming ?? DEFAULT_NAMING;
  const dbOf = (s: ServiceName) => databaseFor(o.topology, s, dbPrefix);
  const admin = new Client(o.admin);
  await admin.connect();
  try {
    const databases = databasesOf(o.topology, dbPrefix).filter((d) => services.some((s) => dbOf(s) === d));
    for (const db of databases) {
      const exists = await admin.query('select 1 from pg_database where datname = $1', [db]);
      if (!exists.rowCount) {
        await admin.query(`create database ${ident(db)}`);
        log(`created database ${db}`);
      }
      await admin.query(`revoke all on database ${ident(db)} from public`);
    }
    for (const s of services) {
      for (const [role, password] of [
        [ownerRoleOf(s, rolePrefix), o.credentials[s].ownerPassword],
        [runtimeUserOf(s, rolePrefix), o.credentials[s].runtimePassword],
      ] as const) {
        const exists = await admin.query('select 1 from pg_roles where rolname = $1', [role]);
        if (!exists.rowCount) {
          await admin.query(`create role ${ident(role)} ${ROLE_ATTRS} password ${literal(password)}`);
          log(`created role ${role}`);
        } else {
          await admin.query(`alter role ${ident(role)} ${ROLE_ATTRS}`);
          if (!(await canLogin(o.admin, role, password, dbOf(s)))) {
            await admin.query(`alter role ${ident(role)} password ${literal(password)}`);
            log(`reset password of ${role}`);
          }
        }
        await admin.query(`alter role ${ident(role)} set search_path = ${ident(schemaOf(s))}`);
        await admin.query(`grant connect on database ${ident(dbOf(s))} to ${ident(role)}`);
      }
      // The runtime user only: migrations and restores (as the owner) may legitimately run long.
      const runtime = ident(runtimeUserOf(s, rolePrefix));
      await admin.query(`alter role ${runtime} set statement_timeout = ${timeouts.statementMs}`);
      await admin.query(`alter role ${runtime} set lock_timeout = ${timeouts.lockMs}`);
      await admin.query(`alter role ${runtime} set idle_in_transaction_session_timeout = ${timeouts.idleInTransactionMs}`);
    }
    for (const db of databases) {
      const c = new Client({ ...o.admin, database: db });
      await c.connect();
      try {
        await c.query('revoke all on schema public from public');
        for (const s of services.filter((x) => dbOf(x) === db)) await provisionSchema(c, s, rolePrefix);
      } finally {
        await c.end();
      }
    }
  } finally {
    await admin.end();
  }
}

async function provisionSchema(c: Client, s: ServiceName, rolePrefix: string): Promise<void> {
  const schema = ident(schemaOf(s));
  const owner = ident(ownerRoleOf(s, rolePrefix));
  const runtime = ident(runtimeUserOf(s, rolePrefix));
  await c.query(`create schema if not exists ${schema} authorization ${owner}`);
  await c.query(`alter schema ${schema} owner to ${owner}`);
  await c.query(`revoke all on schema ${schema} from public`);
  await c.query(`grant usage on schema ${schema} to ${runtime}`);
  await c.query(`alter default privileges for role ${owner} in schema ${schema} grant select, insert, update, delete on tables to ${runtime}`);
  await c.query(`alter default privileges for role ${owner} in schema ${schema} grant usage, select on sequences to ${runtime}`);
  await grantTablePrivileges(c, s, runtimeUserOf(s, rolePrefix));
}

/**
 * The runtime user's privileges on the tables that exist now: DML everywhere but owner-only and
 * append-only tables. Provisioning applies them; a restore (run as the owner) re-applies them.
 */
export async function grantTablePrivileges(c: Pick<Client, 'query'>, s: ServiceName, runtimeUser: string): Promise<void> {
  const schema = ident(schemaOf(s));
  const runtime = ident(runtimeUser);
  await c.query(`grant select, insert, update, delete on all tables in schema ${schema} to ${runtime}`);
  await c.query(`grant usage, select on all sequences in schema ${schema} to ${runtime}`);
  for (const table of OWNER_ONLY_TABLES) {
    const exists = await c.query('select 1 from pg_tables where schemaname = $1 and tablename = $2', [schemaOf(s), table]);
    if (exists.rowCount) await c.query(`revoke all on ${schema}.${ident(table)} from ${runtime}`);
  }
  for (const table of APPEND_ONLY_TABLES[s] ?? []) {
    const exists = await c.query('select 1 from pg_tables where schemaname = $1 and tablename = $2', [schemaOf(s), table]);
    if (exists.rowCount) await c.query(`revoke update, delete, truncate on ${schema}.${ident(table)} from ${runtime}`);
  }
}

async function canLogin(admin: ClientConfig, user: string, password: string, database: string): Promise<boolean> {
  const c = new Client({ host: admin.host, port: admin.port, user, password, database });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}
