import { z } from 'zod';
import { dataSchemaUri, type EventContract } from '../event-contract';
import { canonical, compareSchemas, type JsonSchema } from './schema-compatibility';

/** One released version of an event type, as committed under `libs/contracts/released/`. */
export interface ReleasedVersion {
  topic: string;
  dataschema: string;
  /** The JSON Schema of `data` as consumers accept it (zod's input side). */
  schema: JsonSchema;
}

/** `<type>` → `<version>` → what was released. */
export type ReleasedEvents = Record<string, Record<string, ReleasedVersion>>;

export interface Finding {
  type: string;
  version: number;
  /** `incompatible` fails the check; `unreleased` and `changed` are for information. */
  kind: 'incompatible' | 'unreleased' | 'changed';
  path: string;
  problem: string;
}

export const releasedFormOf = (c: EventContract): ReleasedVersion => ({
  topic: c.topic,
  dataschema: dataSchemaUri(c),
  schema: z.toJSONSchema(c.schema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema,
});

/**
 * Every current contract against the released snapshot: a released (type, version) must stay
 * fully compatible (and on its topic); one not released yet is new and passes; a released one
 * missing from the code is reported, because its events may still be in flight.
 */
export function checkEvents(released: ReleasedEvents, current: readonly EventContract[]): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const c of current) {
    const id = `${c.type}@${c.version}`;
    if (seen.has(id)) findings.push({ type: c.type, version: c.version, kind: 'incompatible', path: '$', problem: 'defined twice' });
    seen.add(id);
    const before = released[c.type]?.[String(c.version)];
    if (!before) {
      findings.push({ type: c.type, version: c.version, kind: 'unreleased', path: '$', problem: 'new event version, not released yet' });
      continue;
    }
    const now = releasedFormOf(c);
    const problems: Pick<Finding, 'kind' | 'path' | 'problem'>[] = compareSchemas(before.schema, now.schema).map((p) => ({ kind: 'incompatible', ...p }));
    if (before.topic !== now.topic) problems.push({ kind: 'incompatible', path: '$', problem: `topic changed from ${before.topic} to ${now.topic}` });
    if (!problems.length && canonical(before) !== canonical(now)) problems.push({ kind: 'changed', path: '$', problem: 'compatible change, not released yet' });
    findings.push(...problems.map((p) => ({ type: c.type, version: c.version, ...p })));
  }
  for (const [type, versions] of Object.entries(released)) {
    for (const v of Object.keys(versions)) {
      if (!seen.has(`${type}@${v}`)) {
        findings.push({ type, version: Number(v), kind: 'incompatible', path: '$', problem: 'released version removed from the code (its events may still be in flight; retire it with `release --retire`)' });
      }
    }
  }
  return findings;
}

export const formatFinding = (f: Finding): string => `${f.type} v${f.version} ${f.path}: ${f.problem}`;

export interface ReleaseOptions {
  /** `<type>@<version>` of released versions deliberately dropped from the code. */
  retire?: readonly string[];
  /** Records incompatible changes too (e.g. zod re-spelling a format's regex); say why in the review. */
  force?: boolean;
}

/** The snapshot after releasing the current contracts; refuses incompatible changes unless forced. */
export function releaseEvents(released: ReleasedEvents, current: readonly EventContract[], o: ReleaseOptions = {}): ReleasedEvents {
  const retire = new Set(o.retire ?? []);
  const blocking = checkEvents(released, current).filter((f) => f.kind === 'incompatible' && !retire.has(`${f.type}@${f.version}`) && !o.force);
  if (blocking.length) throw new IncompatibleEventsError(blocking);
  const next: ReleasedEvents = {};
  for (const [type, versions] of Object.entries(released)) {
    for (const [v, r] of Object.entries(versions)) if (!retire.has(`${type}@${v}`)) (next[type] ??= {})[v] = r;
  }
  for (const c of current) (next[c.type] ??= {})[String(c.version)] = releasedFormOf(c);
  return next;
}

export class IncompatibleEventsError extends Error {
  constructor(readonly findings: readonly Finding[]) {
    super(`incompatible event schema changes:\n${findings.map(formatFinding).join('\n')}`);
  }
}
