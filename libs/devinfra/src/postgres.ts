import { chownSync, existsSync, mkdirSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { isRoot, PrerequisiteError, run, waitForPort, which } from './process';
import { stateDir } from './paths';

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  name: string;
  port: number;
  /** false for throwaway test clusters: fsync and synchronous commit off. */
  durable: boolean;
  /** Start from an empty cluster (test runs), so databases of earlier runs do not pile up. */
  fresh?: boolean;
}

const SUPERUSER = 'postgres';
const LOCAL_PASSWORD = 'alphintra-local-admin';

/** The directory holding initdb/pg_ctl of PostgreSQL >= 14: PATH, pg_config, or Debian's layout. */
export function postgresBinDir(): string {
  const candidates: string[] = [];
  const onPath = which('pg_ctl');
  if (onPath) candidates.push(dirname(realpathSync(onPath)));
  const pgConfig = which('pg_config');
  if (pgConfig) candidates.push(run(pgConfig, ['--bindir']).trim());
  if (existsSync('/usr/lib/postgresql')) {
    for (const v of readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))) candidates.push(`/usr/lib/postgresql/${v}/bin`);
  }
  for (const dir of candidates) {
    if (!existsSync(join(dir, 'initdb')) || !existsSync(join(dir, 'postgres'))) continue;
    const major = Number(/(\d+)/.exec(run(join(dir, 'postgres'), ['--version']).replace(/^\D+/, ''))?.[1]);
    if (major >= 14) return dir;
  }
  throw new PrerequisiteError(
    'PostgreSQL >= 14 server binaries (initdb, pg_ctl, postgres) not found on PATH, via pg_config, or under /usr/lib/postgresql. Install them, e.g. `apt-get install postgresql`.',
  );
}

/** initdb and the server refuse to run as root; as root we run them as this OS user. */
function osUser(): string | undefined {
  if (!isRoot()) return undefined;
  const user = process.env.ALPHINTRA_PG_OS_USER ?? 'postgres';
  try {
    run('id', ['-u', user]);
  } catch {
    throw new PrerequisiteError(`running as root, PostgreSQL must run as an unprivileged OS user; "${user}" does not exist (set ALPHINTRA_PG_OS_USER)`);
  }
  return user;
}

/** As root the data dir goes to /tmp, because /root is not readable by the unprivileged user. */
function dataDirOf(name: string): string {
  if (!isRoot()) return stateDir('pg', name);
  const tag = createHash('sha1').update(stateDir()).digest('hex').slice(0, 8);
  return join('/tmp', `alphintra-${tag}`, 'pg', name);
}

function as(user: string | undefined, bin: string, args: string[]): string {
  return user ? run('runuser', ['-u', user, '--', bin, ...args]) : run(bin, args);
}

export async function startLocalPostgres(o: LocalPostgresOptions): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const user = osUser();
  const dataDir = dataDirOf(o.name);
  const logFile = `${dataDir}.log`;
  const pgCtl = join(bin, 'pg_ctl');
  if (o.fresh && existsSync(join(dataDir, 'PG_VERSION'))) {
    try {
      as(user, pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // was not running
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 });
    mkdirSync(dataDir, { mode: 0o700 });
    const pwFile = `${dataDir}.pw`;
    writeFileSync(pwFile, LOCAL_PASSWORD, { mode: 0o600 });
    if (user) {
      const uid = Number(run('id', ['-u', user]));
      const gid = Number(run('id', ['-g', user]));
      for (const p of [dirname(dataDir), dataDir, pwFile]) chownSync(p, uid, gid);
      writeFileSync(logFile, '');
      chownSync(logFile, uid, gid);
    }
    as(user, join(bin, 'initdb'), ['-D', dataDir, '-U', SUPERUSER, '--pwfile', pwFile, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync']);
  }
  const settings = [
    `-p ${o.port}`,
    '-c listen_addresses=127.0.0.1',
    "-c unix_socket_directories=''",
    '-c max_connections=400',
    '-c shared_buffers=256MB',
    ...(o.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ].join(' ');
  const status = () => {
    try {
      as(user, pgCtl, ['-D', dataDir, 'status']);
      return true;
    } catch {
      return false;
    }
  };
  if (!status()) as(user, pgCtl, ['-D', dataDir, '-l', logFile, '-o', settings, '-w', '-t', '60', 'start']);
  await waitForPort(o.port, 30_000, `PostgreSQL (${dataDir}, log ${logFile})`);
  return {
    host: '127.0.0.1',
    port: o.port,
    user: SUPERUSER,
    password: LOCAL_PASSWORD,
    async stop() {
      if (status()) as(user, pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    },
  };
}

/** Stops a cluster hard, as a crash would (for readiness tests). */
export function killLocalPostgres(name: string): void {
  as(osUser(), join(postgresBinDir(), 'pg_ctl'), ['-D', dataDirOf(name), '-m', 'immediate', '-w', 'stop']);
}
