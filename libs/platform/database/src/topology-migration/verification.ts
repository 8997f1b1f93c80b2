import { createHash } from 'node:crypto';
import type { ServiceName } from '../topology';
import type { SchemaSnapshot } from './snapshot';

/** One line of the verification table: a table (rows, checksum), a sequence (value) or the structure. */
export interface VerificationRow {
  service: ServiceName;
  kind: 'table' | 'sequence' | 'structure';
  name: string;
  source: { rows?: number; checksum: string } | undefined;
  target: { rows?: number; checksum: string } | undefined;
  ok: boolean;
}

const md5 = (lines: string[]) => createHash('md5').update(lines.join('\n')).digest('hex');

export function compareSnapshots(service: ServiceName, source: SchemaSnapshot, target: SchemaSnapshot): VerificationRow[] {
  const rows: VerificationRow[] = [];
  const names = (a: Map<string, unknown>, b: Map<string, unknown>) => [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const name of names(source.tables, target.tables)) {
    const [s, t] = [source.tables.get(name), target.tables.get(name)];
    rows.push({ service, kind: 'table', name, source: s, target: t, ok: !!s && !!t && s.rows === t.rows && s.checksum === t.checksum });
  }
  for (const name of names(source.sequences, target.sequences)) {
    const [s, t] = [source.sequences.get(name), target.sequences.get(name)];
    rows.push({ service, kind: 'sequence', name, source: s === undefined ? undefined : { checksum: s }, target: t === undefined ? undefined : { checksum: t }, ok: s !== undefined && s === t });
  }
  rows.push({
    service,
    kind: 'structure',
    name: `${source.structure.length} objects`,
    source: { rows: source.structure.length, checksum: md5(source.structure) },
    target: { rows: target.structure.length, checksum: md5(target.structure) },
    ok: md5(source.structure) === md5(target.structure),
  });
  return rows;
}

/** The lines of structure present on one side only, prefixed `-` (source) or `+` (target). */
export function structureDiff(source: SchemaSnapshot, target: SchemaSnapshot): string[] {
  const [s, t] = [new Set(source.structure), new Set(target.structure)];
  return [...source.structure.filter((l) => !t.has(l)).map((l) => `- ${l}`), ...target.structure.filter((l) => !s.has(l)).map((l) => `+ ${l}`)];
}

/** The verification table as fixed-width text, one line per row, MISMATCH where they differ. */
export function formatVerification(rows: VerificationRow[]): string {
  const header = ['service', 'kind', 'name', 'source rows', 'target rows', 'source checksum', 'target checksum', 'result'];
  const cells = rows.map((r) => [
    r.service,
    r.kind,
    r.name,
    r.source?.rows?.toString() ?? (r.source ? '' : 'missing'),
    r.target?.rows?.toString() ?? (r.target ? '' : 'missing'),
    r.source?.checksum ?? '',
    r.target?.checksum ?? '',
    r.ok ? 'ok' : 'MISMATCH',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  return [header, ...cells].map((c) => c.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
