import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client, type ClientConfig } from 'pg';
import { outcome, provisionTestInstallation, testInfra, withClient, type TestInstallation } from '@alphintra/testing';
import { databaseFor, databasesOf, ownerRoleOf, provision, runtimeUserOf, schemaOf, SERVICES, TOPOLOGIES, type ServiceName } from '@alphintra/platform-database';

function connectionAs(inst: TestInstallation, who: ServiceName, role: 'runtime' | 'owner', database: string): ClientConfig {
  const { admin } = testInfra();
  const r = role === 'runtime' ? runtimeUserOf(who, inst.naming.rolePrefix) : ownerRoleOf(who, inst.naming.rolePrefix);
  const password = role === 'runtime' ? inst.credentials[who].runtimePassword : inst.credentials[who].ownerPassword;
  return { host: admin.host, port: admin.port, user: r, password, database };
}

const ROOT = join(__dirname, '../../..');

/** Risk's own `migrate` command, run from source as a process (tests do not import apps), as its owner role. */
function migrateRisk(inst: TestInstallation): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(ROOT, 'apps/risk/src/main.ts'), 'migrate'], {
      cwd: ROOT,
      env: { ...process.env, ...inst.envFor('risk'), SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`risk migrate exited ${code}: ${stderr}`))));
  });
}

async function catalogSnapshot(inst: TestInstallation): Promise<unknown> {
  const { admin } = testInfra();
  const like = `${inst.naming.rolePrefix}%`;
  const roles = await withClient(admin, (c) =>
    c.query(
      `select a.rolname, a.rolsuper, a.rolcreatedb, a.rolcreaterole, a.rolbypassrls, a.rolcanlogin, a.rolinherit, r.rolconfig, a.rolpassword
       from pg_authid a join pg_roles r on r.oid = a.oid where a.rolname like $1 order by a.rolname`,
      [like],
    ),
  );
  const dbs = await withClient(admin, (c) =>
    c.query('select datname, datacl::text from pg_database where datname like $1 order by datname', [`${inst.naming.dbPrefix}%`]),
  );
  const perDb = [];
  for (const db of databasesOf(inst.topology, inst.naming.dbPrefix)) {
    perDb.push(
      await withClient({ ...admin, database: db }, async (c) => ({
        schemas: (await c.query("select nspname, nspowner::regrole::text, nspacl::text from pg_namespace where nspname like '%_data' or nspname = 'public' order by 1")).rows,
        defaults: (await c.query('select defaclrole::regrole::text, defaclnamespace::regnamespace::text, defaclobjtype, defaclacl::text from pg_default_acl order by 1, 2, 3')).rows,
      })),
    );
  }
  return { roles: roles.rows, dbs: dbs.rows, perDb };
}

describe.each(TOPOLOGIES)('provisioning, %s topology', (topology) => {
  let inst: TestInstallation;

  beforeAll(async () => {
    inst = await provisionTestInstallation(topology);
    // What a first migration does: each owner creates a table in its own schema.
    for (const s of SERVICES) {
      await withClient(connectionAs(inst, s, 'owner', databaseFor(topology, s, inst.naming.dbPrefix)), (c) =>
        c.query(`create table "${schemaOf(s)}"."probe" (id int primary key)`),
      );
    }
  });
  afterAll(() => inst?.drop());

  it('lets each runtime user use its own schema and refuses every other (8×8)', async () => {
    const matrix: Record<string, string> = {};
    for (const who of SERVICES) {
      for (const target of SERVICES) {
        matrix[`${who}->${target}`] = await outcome(() =>
          withClient(connectionAs(inst, who, 'runtime', databaseFor(topology, target, inst.naming.dbPrefix)), (c) =>
            c.query(`insert into "${schemaOf(target)}"."probe" values (1) on conflict do nothing; select count(*) from "${schemaOf(target)}"."probe"`),
          ),
        );
      }
    }
    const expected = Object.fromEntries(Object.keys(matrix).map((k) => [k, k.split('->')[0] === k.split('->')[1] ? 'ok' : '42501']));
    expect(matrix).toEqual(expected);
    expect(Object.values(matrix).filter((v) => v === 'ok')).toHaveLength(8);
    expect(Object.values(matrix).filter((v) => v === '42501')).toHaveLength(56);
  });

  it('refuses DDL to every runtime user', async () => {
    for (const s of SERVICES) {
      const schema = `"${schemaOf(s)}"`;
      await withClient(connectionAs(inst, s, 'runtime', databaseFor(topology, s, inst.naming.dbPrefix)), async (c) => {
        const results = [
          await outcome(() => c.query(`create table ${schema}.evil (id int)`)),
          await outcome(() => c.query(`alter table ${schema}.probe add column evil int`)),
          await outcome(() => c.query(`drop table ${schema}.probe`)),
          await outcome(() => c.query('create schema evil')),
          await outcome(() => c.query('create table public.evil (id int)')),
          await outcome(() => c.query(`truncate ${schema}.probe`)),
        ];
        expect({ service: s, results }).toEqual({ service: s, results: ['42501', '42501', '42501', '42501', '42501', '42501'] });
      });
    }
  });

  it("keeps risk's compliance log append-only for its runtime user, as migrated and after provisioning again", async () => {
    await migrateRisk(inst);
    const log = '"risk_data"."compliance_log"';
    const attempts = (c: Client) =>
      Promise.all([
        outcome(() => c.query(`update ${log} set "actor" = 'mallory'`)),
        outcome(() => c.query(`delete from ${log}`)),
        outcome(() => c.query(`truncate ${log}`)),
      ]);
    const runtime = connectionAs(inst, 'risk', 'runtime', databaseFor(topology, 'risk', inst.naming.dbPrefix));
    await withClient(runtime, async (c) => {
      await c.query(`insert into ${log} ("at", "actor", "kind", "subject", "payload", "prev_hash", "hash") values (now(), 'risk', 'k', 's', '{}', 'p', 'h')`);
      expect((await c.query(`select count(*)::int as n from ${log}`)).rows[0].n).toBe(1);
      expect(await attempts(c)).toEqual(['42501', '42501', '42501']);
    });
    // What a Helm upgrade's provisioning Job runs again grants DML on every table but this one.
    await provision({ admin: testInfra().admin, topology, credentials: inst.credentials, naming: inst.naming });
    expect(await withClient(runtime, attempts)).toEqual(['42501', '42501', '42501']);
    // The owner can (that is what the hash chain's verify endpoint is for), so the refusals above are about the role.
    const owner = connectionAs(inst, 'risk', 'owner', databaseFor(topology, 'risk', inst.naming.dbPrefix));
    expect(await withClient(owner, (c) => outcome(() => c.query(`update ${log} set "actor" = 'owner'`)))).toBe('ok');
  });

  it('creates roles without superuser, createdb, createrole or bypassrls', async () => {
    const { rows } = await withClient(testInfra().admin, (c) =>
      c.query('select count(*)::int as n from pg_roles where rolname like $1 and (rolsuper or rolcreatedb or rolcreaterole or rolbypassrls)', [
        `${inst.naming.rolePrefix}%`,
      ]),
    );
    expect(rows[0].n).toBe(0);
  });

  it('changes nothing when run a second time', async () => {
    const before = await catalogSnapshot(inst);
    await provision({ admin: testInfra().admin, topology, credentials: inst.credentials, naming: inst.naming });
    expect(await catalogSnapshot(inst)).toEqual(before);
  });
});
