import { readdir, stat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadEnv } from '@alphintra/platform-config';
import { backupService, restoreService, serviceDatabaseEnv, SERVICES, type ServiceName } from '@alphintra/platform-database';
import { UsageError } from './migrate-topology.command';

export const BACKUP_USAGE = `  backup --service <svc> (--out <file> | --out-dir <dir> [--retention-days <n>])
              pg_dump (custom format) of the service's schema <svc>_data, as its owner role; --out-dir
              writes <dir>/<svc>-<UTC yyyymmddThhmmssZ>.dump and deletes that service's dumps older
              than --retention-days
  restore --service <svc> --in <file | dir>
              into the service's empty schema as provisioned (no migration run), as its owner role;
              a dir: its newest <svc>-*.dump. Then the runtime user's table privileges are applied
              env (both): DB_TOPOLOGY <SVC>_DATABASE_HOST/_PORT/_NAME/_USER/_OWNER_USER <SVC>_DATABASE_OWNER_PASSWORD`;

const DUMP = /^([a-z]+)-(\d{8}T\d{6}Z)\.dump$/;

function args(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      options: {
        service: { type: 'string' },
        out: { type: 'string' },
        'out-dir': { type: 'string' },
        'retention-days': { type: 'string' },
        in: { type: 'string' },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function serviceOf(v: string | undefined): ServiceName {
  if (!SERVICES.includes(v as ServiceName)) throw new UsageError(`--service must be one of ${SERVICES.join(', ')}, got ${v === undefined ? 'nothing' : `"${v}"`}`);
  return v as ServiceName;
}

/** The service's `<SVC>_DATABASE_*` variables; the owner's password is required, the runtime user's is not used. */
function ownerConfig(service: ServiceName) {
  const v = `${service.toUpperCase()}_DATABASE`;
  const config = loadEnv(serviceDatabaseEnv(service), { [`${v}_PASSWORD`]: 'unused-by-backups', ...process.env });
  if (!config.owner) throw new ConfigError([{ variable: `${v}_OWNER_PASSWORD`, message: 'is required' }]);
  return { owner: config.owner, runtimeUser: config.runtime.user };
}

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

export async function backupCommand(argv: string[], print: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const a = args(argv);
  const service = serviceOf(a.service);
  if (!a.out === !a['out-dir']) throw new UsageError('backup needs exactly one of --out and --out-dir');
  const retention = a['retention-days'] === undefined ? undefined : Number(a['retention-days']);
  if (retention !== undefined && (!a['out-dir'] || !Number.isInteger(retention) || retention < 1)) throw new UsageError('--retention-days needs --out-dir and a whole number of days >= 1');
  const { owner } = ownerConfig(service);
  const file = a.out ?? join(a['out-dir']!, `${service}-${stamp(new Date())}.dump`);
  const started = Date.now();
  const { bytes } = await backupService({ service, owner, file });
  print(`${service}: wrote ${file} (${bytes} bytes, ${Date.now() - started} ms) as ${owner.user} from ${owner.database}`);
  if (retention !== undefined) {
    const cutoff = Date.now() - retention * 86_400_000;
    for (const f of await dumpsOf(a['out-dir']!, service)) {
      const path = join(a['out-dir']!, f);
      if (path !== file && (await stat(path)).mtimeMs < cutoff) {
        await rm(path);
        print(`${service}: deleted ${path} (older than ${retention} days)`);
      }
    }
  }
}

export async function restoreCommand(argv: string[], print: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const a = args(argv);
  const service = serviceOf(a.service);
  if (!a.in) throw new UsageError('restore needs --in <file | dir>');
  const { owner, runtimeUser } = ownerConfig(service);
  let file = a.in;
  if ((await stat(file)).isDirectory()) {
    const newest = (await dumpsOf(file, service)).at(-1);
    if (!newest) throw new UsageError(`${file} holds no ${service}-*.dump`);
    file = join(file, newest);
  }
  const started = Date.now();
  const { tables } = await restoreService({ service, owner, runtimeUser, file });
  print(`${service}: restored ${file} into ${owner.database} (${tables} tables, ${Date.now() - started} ms) as ${owner.user}`);
}

/** The service's dumps in `dir`, oldest first (the names sort by time). */
async function dumpsOf(dir: string, service: ServiceName): Promise<string[]> {
  return (await readdir(dir)).filter((f) => DUMP.exec(f)?.[1] === service).sort();
}
