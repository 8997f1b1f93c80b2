import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ClientConfig } from 'pg';
import { repoRoot } from '@alphintra/devinfra';
import { databaseFor, ownerRoleOf, provision, runtimeUserOf, schemaOf, snapshotSchema, type SchemaSnapshot, type Topology } from '@alphintra/platform-database';
import { outcome, provisionTestInstallation, registerSecret, testInfra, withClient, type TestInstallation } from '@alphintra/testing';
import { FIXTURE_ROWS, fixtureSql, OWNER_FIXTURE_SQL } from './backup.fixtures';

// The commands the backup CronJobs run, from the build, on real migrations and PostgreSQL.
const built = existsSync(join(repoRoot(), 'dist/tools/ops/main.js'));
const UNDER_TEST = ['risk', 'trading'] as const;
type Svc = (typeof UNDER_TEST)[number];
const TOPOLOGIES_UNDER_TEST: Topology[] = ['separate', 'schemas'];

function node(script: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [join(repoRoot(), script), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}
const ops = (inst: TestInstallation, s: Svc, args: string[], env: Record<string, string> = {}) => node('dist/tools/ops/main.js', args, { ...inst.envFor(s), ...env });

const installs = {} as Record<Topology, TestInstallation>;
const originals = {} as Record<string, SchemaSnapshot>;
const work = mkdtempSync(join(tmpdir(), 'alphintra-backup-test-'));
const dumpOf = (t: Topology, s: Svc) => join(work, `${t}-${s}.dump`);

const connect = (inst: TestInstallation, s: Svc, role: 'owner' | 'runtime' | 'admin'): ClientConfig => ({
  ...testInfra().admin,
  database: databaseFor(inst.topology, s, inst.naming.dbPrefix),
  ...(role === 'owner' ? { user: ownerRoleOf(s, inst.naming.rolePrefix), password: inst.credentials[s].ownerPassword } : {}),
  ...(role === 'runtime' ? { user: runtimeUserOf(s, inst.naming.rolePrefix), password: inst.credentials[s].runtimePassword } : {}),
});
const snapshot = (inst: TestInstallation, s: Svc) => withClient(connect(inst, s, 'owner'), (c) => snapshotSchema(c, schemaOf(s)));

/** What losing the data looks like: the database (separate) or the schema (shared database) is gone; provisioning makes it again, empty. */
async function dropAndReprovision(inst: TestInstallation, s: Svc): Promise<void> {
  const { admin } = testInfra();
  if (inst.topology === 'separate') await withClient(admin, (c) => c.query(`drop database "${databaseFor('separate', s, inst.naming.dbPrefix)}" with (force)`));
  else await withClient(connect(inst, s, 'admin'), (c) => c.query(`drop schema "${schemaOf(s)}" cascade`));
  await provision({ admin, topology: inst.topology, credentials: inst.credentials, services: [s], naming: inst.naming });
}

/** Keys a service's configuration requires besides its database (trading signs its order record's checkpoints). */
const serviceKeys = { TRADING_ORDER_RECORD_SIGNING_KEY: randomBytes(32).toString('base64') };
registerSecret(serviceKeys.TRADING_ORDER_RECORD_SIGNING_KEY);

beforeAll(async () => {
  if (!built) throw new Error('dist/ is missing: run `npm run build` first (tools/run.sh test does)');
  for (const t of TOPOLOGIES_UNDER_TEST) {
    const inst = (installs[t] = await provisionTestInstallation(t, UNDER_TEST));
    for (const s of UNDER_TEST) {
      // `migrate` validates the service's whole configuration first; it does not call auth (nor sign anything)
      const migrated = node(`dist/apps/${s}/src/main.js`, ['migrate'], { ...inst.envFor(s), AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks', ...serviceKeys });
      if (migrated.code !== 0) throw new Error(`${s} migrate exited ${migrated.code}: ${migrated.out}`);
      await withClient(connect(inst, s, 'runtime'), async (c) => {
        for (const sql of fixtureSql[s]) await c.query(sql);
      });
      await withClient(connect(inst, s, 'owner'), async (c) => {
        for (const sql of OWNER_FIXTURE_SQL) await c.query(sql);
      });
    }
    // as every deployment does after migrating: provisioning again makes the bookkeeping owner-only
    await provision({ admin: testInfra().admin, topology: t, credentials: inst.credentials, services: UNDER_TEST, naming: inst.naming });
  }
});

afterAll(async () => {
  for (const inst of Object.values(installs)) await inst.drop();
  rmSync(work, { recursive: true, force: true });
});

describe.each(TOPOLOGIES_UNDER_TEST)('ops backup and restore, %s topology', (topology) => {
  it.each(UNDER_TEST)('%s: backup, data lost, provision, restore → every table, sequence and grant as before', async (s) => {
    const inst = installs[topology];
    const before = (originals[`${topology}-${s}`] = await snapshot(inst, s));
    const filled = Object.fromEntries(Object.keys(FIXTURE_ROWS[s]).map((t) => [t, before.tables.get(t)?.rows]));
    expect(filled).toEqual(FIXTURE_ROWS[s]);

    const backup = ops(inst, s, ['backup', '--service', s, '--out', dumpOf(topology, s)]);
    expect(backup).toEqual({ code: 0, out: expect.stringMatching(new RegExp(`^${s}: wrote .* as ${ownerRoleOf(s, inst.naming.rolePrefix)} from `)) });

    await dropAndReprovision(inst, s);
    expect((await snapshot(inst, s)).tables.size).toBe(0);
    expect(ops(inst, s, ['restore', '--service', s, '--in', dumpOf(topology, s)])).toEqual({ code: 0, out: expect.stringContaining(`${s}: restored`) });

    const after = await snapshot(inst, s);
    expect(Object.fromEntries(after.tables)).toEqual(Object.fromEntries(before.tables));
    expect(Object.fromEntries(after.sequences)).toEqual(Object.fromEntries(before.sequences));
    expect(after.structure).toEqual(before.structure);

    // and the service can go on: new outbox ids continue after the restored sequence, DML works
    const next = await withClient(connect(inst, s, 'runtime'), async (c) => {
      const { rows } = await c.query<{ id: string }>(
        `insert into "outbox" ("event_id", "topic", "aggregate_key", "shard", "event_type", "headers", "payload") values (gen_random_uuid(), 't', 'k', 0, 'e', '{}', '{}') returning "id"`,
      );
      return Number(rows[0].id);
    });
    expect(next).toBe(7001);
  });

  it('risk: the compliance log stays append-only and the bookkeeping owner-only after a restore', async () => {
    const access = await withClient(connect(installs[topology], 'risk', 'runtime'), async (c) => ({
      insert: await outcome(() =>
        c.query(`insert into "compliance_log" ("at", "actor", "kind", "subject", "payload", "prev_hash", "hash") values (now(), 'a', 'k', 's', '{}', 'p', md5(random()::text))`),
      ),
      update: await outcome(() => c.query(`update "compliance_log" set "actor" = 'x'`)),
      delete: await outcome(() => c.query(`delete from "compliance_log"`)),
      bookkeeping: await outcome(() => c.query('select 1 from "mikro_orm_migrations"')),
    }));
    expect(access).toEqual({ insert: 'ok', update: '42501', delete: '42501', bookkeeping: '42501' });
  });

  it("a backup as one service's owner cannot read another service's schema", () => {
    const inst = installs[topology];
    const out = join(work, `${topology}-stolen.dump`);
    const asTrading = { RISK_DATABASE_OWNER_USER: ownerRoleOf('trading', inst.naming.rolePrefix), RISK_DATABASE_OWNER_PASSWORD: inst.credentials.trading.ownerPassword };
    const r = ops(inst, 'risk', ['backup', '--service', 'risk', '--out', out], asTrading);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(topology === 'separate' ? /permission denied for database/ : /permission denied for (schema risk_data|table)/);
    expect(readdirSync(work).filter((f) => f.startsWith(`${topology}-stolen`))).toEqual([]);
  });
});

describe('restore refuses', () => {
  it('a schema that is not empty, and a dump of another service, changing nothing', async () => {
    const inst = installs.separate;
    const before = await snapshot(inst, 'risk');
    const notEmpty = ops(inst, 'risk', ['restore', '--service', 'risk', '--in', dumpOf('separate', 'risk')]);
    expect(notEmpty).toEqual({ code: 2, out: expect.stringMatching(/risk_data in \S+ is not empty \(\d+ objects\)/) });
    const wrong = ops(inst, 'risk', ['restore', '--service', 'risk', '--in', dumpOf('separate', 'trading')]);
    expect(wrong).toEqual({ code: 2, out: expect.stringContaining('holds schema trading_data, not risk_data') });
    expect(await snapshot(inst, 'risk')).toEqual(before);
  });
});

describe('the CronJob form: --out-dir with retention, and restore of the newest dump in a directory', () => {
  it('keeps other services\' dumps and recent ones, deletes old ones, restores the newest by its name', async () => {
    const inst = installs.schemas;
    const dir = mkdtempSync(join(work, 'cron-'));
    expect(ops(inst, 'trading', ['restore', '--service', 'trading', '--in', dir])).toEqual({ code: 64, out: expect.stringContaining('holds no trading-*.dump') });
    const old = join(dir, 'trading-20200101T000000Z.dump');
    const recentButOlderName = join(dir, 'trading-20200102T000000Z.dump');
    const otherService = join(dir, 'risk-20200101T000000Z.dump');
    for (const f of [old, recentButOlderName, otherService]) writeFileSync(f, 'not a dump');
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    for (const f of [old, otherService]) utimesSync(f, tenDaysAgo, tenDaysAgo);

    const r = ops(inst, 'trading', ['backup', '--service', 'trading', '--out-dir', dir, '--retention-days', '3']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`deleted ${old}`);
    expect(readdirSync(dir).sort()).toEqual([basename(otherService), basename(recentButOlderName), expect.stringMatching(/^trading-2\d{7}T\d{6}Z\.dump$/)]);

    const before = await snapshot(inst, 'trading');
    await dropAndReprovision(inst, 'trading');
    expect(ops(inst, 'trading', ['restore', '--service', 'trading', '--in', dir])).toEqual({ code: 0, out: expect.stringMatching(/trading: restored .*trading-2\d{7}T\d{6}Z\.dump/) });
    expect(Object.fromEntries((await snapshot(inst, 'trading')).tables)).toEqual(Object.fromEntries(before.tables));
  });
});

describe('a dump restores into another installation and topology', () => {
  it('trading of the separate installation into the schemas one: equal rows, owned by and granted to that installation\'s roles', async () => {
    const inst = installs.schemas;
    await dropAndReprovision(inst, 'trading');
    expect(ops(inst, 'trading', ['restore', '--service', 'trading', '--in', dumpOf('separate', 'trading')]).code).toBe(0);
    const restored = await snapshot(inst, 'trading');
    expect(Object.fromEntries(restored.tables)).toEqual(Object.fromEntries(originals['separate-trading'].tables));
    expect(Object.fromEntries(restored.sequences)).toEqual(Object.fromEntries(originals['separate-trading'].sequences));
    const roles = restored.structure.join('\n');
    expect(roles).toContain(`owner ${ownerRoleOf('trading', inst.naming.rolePrefix)}`);
    expect(roles).not.toContain(installs.separate.naming.rolePrefix);
  });
});
