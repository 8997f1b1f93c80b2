import { Client, type ClientConfig } from 'pg';
import {
  databaseFor,
  databasesOf,
  dropTopologySource,
  migrateService,
  migrateTopology,
  ownerRoleOf,
  provision,
  runtimeUserOf,
  schemaOf,
  SERVICES,
  snapshotSchema,
  TOPOLOGIES,
  TopologyMoveRefused,
  verifyTopology,
  type SchemaSnapshot,
  type ServiceName,
  type Topology,
} from '@alphintra/platform-database';
import { messagingMigration } from '@alphintra/platform-messaging';
import { outcome, provisionTestInstallation, testInfra, withClient, type TestInstallation } from '@alphintra/testing';

/**
 * What a service's schema holds, in kind: the real outbox, inbox and MikroORM bookkeeping, and
 * tables with the column types, keys (uuid, identity, composite, none), constraints, indexes,
 * triggers and append-only grants the services use, with awkward values (NULLs, quotes, new
 * lines, non-ASCII, negative and long decimals, bytea, arrays, jsonb).
 */
const representativeSql = (s: ServiceName): string[] => [
  `create table "ledger" (
     "id" uuid primary key, "account" text not null, "amount" numeric(20,8) not null check ("amount" <> 0),
     "tags" text[] not null default '{}', "meta" jsonb, "at" timestamptz not null, "note" text)`,
  `create index "ledger_account_at_idx" on "ledger" ("account", "at" desc)`,
  `create table "fill" (
     "id" bigint generated always as identity primary key, "ledger_id" uuid not null references "ledger" ("id") on delete cascade,
     "side" text not null check ("side" in ('buy', 'sell')), "qty" numeric(20,8) not null, "day" date not null)`,
  `create index "fill_open_idx" on "fill" ("ledger_id") where "side" = 'buy'`,
  `create table "daily" ("symbol" varchar(16) not null, "day" date not null, "close" numeric(20,8), primary key ("symbol", "day"))`,
  `create table "trail" ("at" timestamptz not null, "payload" jsonb not null, "raw" bytea)`,
  `create function "trail_append_only"() returns trigger language plpgsql as $$ begin raise exception 'append-only'; end $$`,
  `create trigger "trail_append_only" before update or delete on "trail" for each row execute function "trail_append_only"()`,
  ...(s === 'risk' ? [`create table "compliance_log" ("seq" bigserial primary key, "entry" text not null, "hash" text not null)`] : []),
  `insert into "ledger" select md5('${s}' || g)::uuid, 'acct-' || (g % 7), ((g * 7919) % 100000 - 50000 + 0.5)::numeric / 1000,
     array['t' || g % 3, 'quote''s', 'ünï"'], jsonb_build_object('g', g, 'svc', '${s}', 'nested', jsonb_build_object('x', g % 5)),
     timestamptz '2026-01-01 00:00:00+00' + g * interval '37 minutes 13.25 seconds', case when g % 4 = 0 then null else E'line\\nbreak "q" ' || g end
     from generate_series(1, 400) g`,
  `insert into "fill" ("ledger_id", "side", "qty", "day") select md5('${s}' || g)::uuid, case when g % 3 = 0 then 'sell' else 'buy' end,
     g * 0.00000001 + 12345678.9, date '2026-01-01' + g from generate_series(1, 250) g`,
  `insert into "daily" select 'SYM' || (g % 20), date '2025-01-01' + g / 20, (g * 1.25)::numeric from generate_series(0, 299) g`,
  `insert into "trail" select timestamptz '2026-02-01 00:00:00+00', jsonb_build_object('g', g % 10), decode(md5(g::text), 'hex') from generate_series(1, 120) g`,
  `insert into "outbox" ("event_id", "topic", "aggregate_key", "shard", "event_type", "headers", "payload", "sent_at")
     select md5('${s}-ev' || g)::uuid, 'alphintra.${s}.thing.v1', 'k' || (g % 9), g % 4, '${s}.thing.happened', '{"ce_id": "x"}', jsonb_build_object('n', g),
     case when g % 5 = 0 then null else timestamptz '2026-03-01 00:00:00+00' end from generate_series(1, 60) g`,
  `insert into "inbox" ("event_id", "consumer", "event_type") select md5('${s}-in' || g)::uuid, '${s}-consumer', 'other.thing.happened' from generate_series(1, 40) g`,
  `select setval(pg_get_serial_sequence('outbox', 'id'), 5000)`,
  ...(s === 'risk' ? [`insert into "compliance_log" ("entry", "hash") select 'entry ' || g, md5(g::text) from generate_series(1, 30) g`] : []),
];

const TABLES_PER_SERVICE = 7; // ledger, fill, daily, trail, outbox, inbox, mikro_orm_migrations (+ risk's compliance_log)

describe('ops migrate-topology on real PostgreSQL', () => {
  const admin = testInfra().admin;
  let inst: TestInstallation;
  let common: { admin: ClientConfig; naming: TestInstallation['naming']; stoppedWithinMs: number };
  const as = (s: ServiceName, role: 'owner' | 'runtime', database: string): ClientConfig => ({
    ...admin,
    database,
    user: role === 'owner' ? ownerRoleOf(s, inst.naming.rolePrefix) : runtimeUserOf(s, inst.naming.rolePrefix),
    password: role === 'owner' ? inst.credentials[s].ownerPassword : inst.credentials[s].runtimePassword,
  });
  const db = (t: Topology, s: ServiceName) => databaseFor(t, s, inst.naming.dbPrefix);
  const snapshots = async (t: Topology): Promise<Record<string, SchemaSnapshot>> =>
    Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await withClient({ ...admin, database: db(t, s) }, (c) => snapshotSchema(c, schemaOf(s)))])));
  const move = (from: Topology, to: Topology, extra: Partial<Parameters<typeof migrateTopology>[0]> = {}) =>
    migrateTopology({ ...common, from, to, credentials: inst.credentials, ...extra });

  beforeAll(async () => {
    inst = await provisionTestInstallation('separate');
    common = { admin, naming: inst.naming, stoppedWithinMs: 1000 };
    for (const s of SERVICES) {
      const { Migration } = await import('@mikro-orm/migrations');
      class Representative extends Migration {
        override async up(): Promise<void> {
          for (const sql of representativeSql(s)) this.addSql(sql);
        }
      }
      const connection = { ...(as(s, 'owner', db('separate', s)) as { host: string; port: number; database: string; user: string; password: string }) };
      await migrateService({ service: s, connection, entities: [], migrations: [messagingMigration(schemaOf(s)), { name: '0002_representative', class: Representative }] });
    }
    // what provision does to tables that exist: mikro_orm_migrations owner-only, compliance_log append-only
    await provision({ admin, topology: 'separate', credentials: inst.credentials, naming: inst.naming });
  });

  afterAll(async () => {
    await withClient(admin, async (c) => {
      for (const t of TOPOLOGIES) for (const d of databasesOf(t, inst.naming.dbPrefix)) await c.query(`drop database if exists "${d}" with (force)`);
    });
    await inst?.drop();
  });

  it('moves all eight schemas separate → schemas → domains → separate, equal at every hop, and the old layout goes only when asked', async () => {
    const original = await snapshots('separate');
    expect(Object.values(original).map((o) => o.tables.size)).toEqual(SERVICES.map((s) => TABLES_PER_SERVICE + (s === 'risk' ? 1 : 0)));
    expect(original.trading.tables.get('ledger')).toEqual({ rows: 400, checksum: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(original.trading.tables.get('ledger')!.checksum).not.toBe(original.risk.tables.get('ledger')!.checksum);
    expect(original.trading.sequences.get('outbox_id_seq')).toBe('5000');

    for (const [from, to] of [['separate', 'schemas'], ['schemas', 'domains'], ['domains', 'separate']] as const) {
      const report = await move(from, to);
      expect({ hop: `${from}→${to}`, ok: report.ok, moved: report.moved, mismatches: report.rows.filter((r) => !r.ok) }).toEqual({
        hop: `${from}→${to}`,
        ok: true,
        moved: [...SERVICES],
        mismatches: [],
      });
      expect(report.rows.filter((r) => r.kind === 'table')).toHaveLength(SERVICES.length * TABLES_PER_SERVICE + 1);
      // equal to the data we started with, not only to the previous hop: rows, sequences, structure, grants
      expect(await snapshots(to)).toEqual(original);

      // on the new layout each runtime user works in its own schema and nowhere else; the old one is closed to it
      for (const [i, s] of SERVICES.entries()) {
        const neighbour = SERVICES[(i + 1) % SERVICES.length];
        const access = await withClient(as(s, 'runtime', db(to, s)), async (c) => ({
          own: await outcome(() => c.query('insert into "inbox" ("event_id", "consumer", "event_type") values (gen_random_uuid(), \'probe\', \'p\'); delete from "inbox" where "consumer" = \'probe\'')),
          other:
            db(to, neighbour) === db(to, s)
              ? await outcome(() => c.query(`select 1 from "${schemaOf(neighbour)}"."ledger" limit 1`))
              : await outcome(() => withClient(as(s, 'runtime', db(to, neighbour)), (n) => n.query('select 1'))),
          bookkeeping: await outcome(() => c.query('select 1 from "mikro_orm_migrations"')),
        }));
        expect({ s, ...access }).toEqual({ s, own: 'ok', other: '42501', bookkeeping: '42501' });
        expect({ s, old: await outcome(() => withClient(as(s, 'runtime', db(from, s)), (c) => c.query('select 1'))) }).toEqual({ s, old: '42501' });
      }

      // moving again skips what was moved; the old layout is dropped only now, explicitly
      expect((await move(from, to)).moved).toEqual([]);
      const dropped = await dropTopologySource({ ...common, from, to });
      expect(dropped.filter((d) => !d.includes('.')).sort()).toEqual(databasesOf(from, inst.naming.dbPrefix).sort());
    }
  });

  it('detects a corrupted row in the copy: fails, keeps the source as it was and open, and leaves the target empty', async () => {
    const before = await snapshots('separate');
    const report = await move('separate', 'schemas', {
      services: ['trading', 'risk'],
      afterCopy: async (m, target) => {
        // one row, one digit in the eighth decimal place
        if (m.service === 'trading') await withClient(target, (c) => c.query(`update "trading_data"."ledger" set "amount" = "amount" + 0.00000001 where "id" = md5('trading123')::uuid`));
      },
    });
    expect(report.ok).toBe(false);
    expect({ moved: report.moved, failed: report.failed }).toEqual({ moved: ['risk'], failed: ['trading'] });
    const bad = report.rows.filter((r) => !r.ok);
    expect(bad).toEqual([expect.objectContaining({ service: 'trading', kind: 'table', name: 'ledger', source: expect.objectContaining({ rows: 400 }), target: expect.objectContaining({ rows: 400 }) })]);
    expect(bad[0].source!.checksum).not.toBe(bad[0].target!.checksum);

    expect((await snapshots('separate')).trading).toEqual(before.trading);
    const source = await withClient(as('trading', 'runtime', db('separate', 'trading')), (c) => c.query('select count(*)::int as n from "ledger"'));
    expect(source.rows[0].n).toBe(400);
    const left = await withClient({ ...admin, database: db('schemas', 'trading') }, (c) =>
      c.query(`select (select count(*) from pg_class where relnamespace = n.oid)::int as n from pg_namespace n where nspname = 'trading_data'`),
    );
    expect(left.rows).toEqual([{ n: 0 }]);
  });

  it('verify finds a row changed or deleted in a copy after the move', async () => {
    expect((await verifyTopology({ ...common, from: 'separate', to: 'schemas', services: ['risk'] })).ok).toBe(true);
    const central = { ...admin, database: db('schemas', 'risk') };
    await withClient(central, (c) => c.query(`delete from "risk_data"."daily" where "symbol" = 'SYM7' and "day" = date '2025-01-01'`));
    await withClient(central, (c) => c.query(`update "risk_data"."fill" set "day" = "day" + 1 where "id" = 17`));
    const report = await verifyTopology({ ...common, from: 'separate', to: 'schemas', services: ['risk'] });
    expect(report.rows.filter((r) => !r.ok).map((r) => [r.name, r.source?.rows, r.target?.rows])).toEqual([
      ['daily', 300, 299],
      ['fill', 250, 250],
    ]);
  });

  it('refuses to move onto data, onto a non-empty schema without --force-empty-check, or while a service is connected', async () => {
    // risk moved to schemas above: its copy there holds data, and the frozen source says so
    await expect(move('separate', 'schemas', { services: ['risk'], stoppedWithinMs: 0 })).resolves.toMatchObject({ moved: [] });
    await expect(move('schemas', 'separate', { services: ['risk'] })).rejects.toThrow(/was moved to|holds data already/);

    // a target whose tables exist but are empty (an app started on the new layout by mistake)
    const central = { ...admin, database: db('schemas', 'auth') };
    await provision({ admin, topology: 'schemas', credentials: inst.credentials, services: ['auth'], naming: inst.naming });
    await withClient(as('auth', 'owner', db('schemas', 'auth')), (c) => c.query('create table "ledger" ("id" uuid primary key)'));
    await expect(move('separate', 'schemas', { services: ['auth'] })).rejects.toThrow(/exists with \d+ objects.*--force-empty-check/);
    await withClient(central, (c) => c.query(`insert into "auth_data"."ledger" values (gen_random_uuid())`));
    await expect(move('separate', 'schemas', { services: ['auth'], forceEmptyCheck: true })).rejects.toThrow(/holds data already: ledger \(1 rows\)/);
    await withClient(central, (c) => c.query('delete from "auth_data"."ledger"'));

    const session = new Client(as('auth', 'runtime', db('separate', 'auth')));
    await session.connect();
    try {
      await expect(move('separate', 'schemas', { services: ['auth'], forceEmptyCheck: true })).rejects.toThrow(/services still connected: auth/);
    } finally {
      await session.end();
    }
    const report = await move('separate', 'schemas', { services: ['auth'], forceEmptyCheck: true });
    expect({ ok: report.ok, moved: report.moved }).toEqual({ ok: true, moved: ['auth'] });
    await expect(dropTopologySource({ ...common, from: 'separate', to: 'schemas', services: ['user'] })).rejects.toBeInstanceOf(TopologyMoveRefused);
  });
});
