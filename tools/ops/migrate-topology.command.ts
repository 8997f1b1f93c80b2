import { parseArgs } from 'node:util';
import type { ClientConfig } from 'pg';
import {
  dropTopologySource,
  formatVerification,
  migrateTopology,
  SERVICES,
  TOPOLOGIES,
  verifyTopology,
  type ServiceCredentials,
  type ServiceName,
  type Topology,
  type TopologyReport,
} from '@alphintra/platform-database';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface TopologyArgs {
  from: Topology;
  to: Topology;
  services: ServiceName[];
  mode: 'move' | 'verify' | 'drop-source';
  forceEmptyCheck: boolean;
}

const topology = (flag: string, v: string | undefined): Topology => {
  if (!TOPOLOGIES.includes(v as Topology)) throw new UsageError(`--${flag} must be one of ${TOPOLOGIES.join(', ')}, got ${v === undefined ? 'nothing' : `"${v}"`}`);
  return v as Topology;
};

export function parseTopologyArgs(args: string[]): TopologyArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        services: { type: 'string', default: 'all' },
        'force-empty-check': { type: 'boolean', default: false },
        verify: { type: 'boolean', default: false },
        'drop-source': { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [from, to] = [topology('from', values.from), topology('to', values.to)];
  if (from === to) throw new UsageError(`--from and --to are both ${from}`);
  const services = values.services === 'all' ? [...SERVICES] : values.services.split(',').map((s) => s.trim());
  const unknown = services.filter((s) => !SERVICES.includes(s as ServiceName));
  if (unknown.length || !services.length) throw new UsageError(`--services: unknown service ${unknown.join(', ') || '(none)'}; known: all, ${SERVICES.join(', ')}`);
  const modes = [values.verify && 'verify', values['drop-source'] && 'drop-source', values['force-empty-check'] && 'force-empty-check'].filter(Boolean);
  if (modes.length > 1) throw new UsageError(`--${modes.join(' and --')} do not go together`);
  const mode = values.verify ? 'verify' : values['drop-source'] ? 'drop-source' : 'move';
  return { from, to, services: [...new Set(services)] as ServiceName[], mode, forceEmptyCheck: values['force-empty-check'] };
}

/** `ops migrate-topology …`: true when everything compared equal (or was dropped). */
export async function migrateTopologyCommand(
  a: TopologyArgs,
  o: { admin: ClientConfig; credentials?: Record<ServiceName, ServiceCredentials> },
  print: (line: string) => void = (l) => console.log(l),
): Promise<boolean> {
  const common = { admin: o.admin, from: a.from, to: a.to, services: a.services, log: print };
  if (a.mode === 'drop-source') {
    const dropped = await dropTopologySource(common);
    print(dropped.length ? `dropped: ${dropped.join(', ')}` : 'nothing left to drop');
    return true;
  }
  const report: TopologyReport =
    a.mode === 'verify' ? await verifyTopology(common) : await migrateTopology({ ...common, credentials: o.credentials!, forceEmptyCheck: a.forceEmptyCheck });
  if (report.rows.length) print(formatVerification(report.rows));
  const bad = report.rows.filter((r) => !r.ok).length;
  const tables = report.rows.filter((r) => r.kind === 'table').length;
  print(
    `${a.mode === 'verify' ? 'compared' : `moved ${report.moved.length} of ${a.services.length} services (${report.moved.join(', ') || 'none'}),`} ${tables} tables: ${bad ? `${bad} MISMATCHES in ${report.failed.join(', ')}` : 'all equal'}`,
  );
  return report.ok;
}
