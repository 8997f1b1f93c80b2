/**
 * Full compatibility of two JSON Schemas (draft 2020-12, as `z.toJSONSchema` writes them) of
 * one event version: consumers built on `next` must accept every event valid under `released`,
 * AND consumers built on `released` must accept every event valid under `next`. So the accepted
 * set may not change, with one exception: an optional property may be added to an object that
 * was open (consumers strip unknown properties). Everything that cannot be proven equal is
 * reported (ADR 0007).
 */
export type JsonSchema = boolean | { [keyword: string]: unknown };

export interface Incompatibility {
  /** Where in the event's `data`: `$.order.limitPrice`, `$.rules[*].passed`, `$.spec.*`. */
  path: string;
  problem: string;
}

/** Keywords that only describe: they may change freely. */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'examples', 'deprecated', 'readOnly', 'writeOnly']);
/** Keywords compared structurally below; every other keyword must stay equal. */
const STRUCTURAL = new Set(['type', 'anyOf', 'oneOf', 'properties', 'required', 'additionalProperties', 'items', 'prefixItems', '$ref', '$defs', 'definitions']);

type Obj = { [keyword: string]: unknown };

export function compareSchemas(released: JsonSchema, next: JsonSchema): Incompatibility[] {
  const out: Incompatibility[] = [];
  new Comparison(released, next, out).compare(released, next, '$');
  return out;
}

class Comparison {
  constructor(
    private readonly oldRoot: JsonSchema,
    private readonly newRoot: JsonSchema,
    private readonly out: Incompatibility[],
  ) {}

  /** `$ref` pairs under comparison: a recursive schema is compared once per pair. */
  private readonly active = new Set<string>();

  compare(o: JsonSchema, n: JsonSchema, path: string): void {
    const refs = [o, n].map((s) => (typeof s === 'object' && typeof s.$ref === 'string' ? s.$ref : '')).join(' ');
    if (refs.trim()) {
      if (this.active.has(refs)) return;
      this.active.add(refs);
      try {
        return this.compareResolved(deref(this.oldRoot, o), deref(this.newRoot, n), path);
      } finally {
        this.active.delete(refs);
      }
    }
    this.compareResolved(o, n, path);
  }

  private compareResolved(o: JsonSchema, n: JsonSchema, path: string): void {
    const ob = branches(o);
    const nb = branches(n);
    if (isAny(ob) && isAny(nb)) return;
    const oNull = ob.some(isNull);
    const nNull = nb.some(isNull);
    if (oNull !== nNull) this.report(path, nNull ? 'null is now accepted (old consumers reject it)' : 'null is no longer accepted (old events may carry it)');
    const [o2, n2] = withoutSubsumedEnums(ob.filter((b) => !isNull(b)), nb.filter((b) => !isNull(b)));
    if (o2.length === 1 && n2.length === 1) return this.compareOne(o2[0], n2[0], path);
    const key = (bs: JsonSchema[]) => bs.map(canonical).sort().join('|');
    if (key(o2) !== key(n2)) this.report(path, `union of ${o2.length} alternatives changed to ${n2.length} different ones`);
  }

  private compareOne(o: JsonSchema, n: JsonSchema, path: string): void {
    if (typeof o === 'boolean' || typeof n === 'boolean') {
      if (canonical(o) !== canonical(n)) this.report(path, `schema changed from ${canonical(o)} to ${canonical(n)}`);
      return;
    }
    if (canonical(o.type) !== canonical(n.type)) return this.report(path, `type changed from ${show(o.type)} to ${show(n.type)}`);
    for (const k of new Set([...Object.keys(o), ...Object.keys(n)])) {
      if (ANNOTATIONS.has(k) || STRUCTURAL.has(k) || canonical(o[k]) === canonical(n[k])) continue;
      this.report(path, k === 'enum' ? enumChange(o.enum, n.enum) : `${k} changed from ${show(o[k])} to ${show(n[k])}`);
    }
    if (o.type === 'object' || ['properties', 'required', 'additionalProperties'].some((k) => k in o || k in n)) this.compareObject(o, n, path);
    if (o.items !== undefined || n.items !== undefined) this.compare((o.items ?? true) as JsonSchema, (n.items ?? true) as JsonSchema, `${path}[*]`);
    const op = (o.prefixItems ?? []) as JsonSchema[];
    const np = (n.prefixItems ?? []) as JsonSchema[];
    if (op.length !== np.length) this.report(path, `tuple length changed from ${op.length} to ${np.length}`);
    else op.forEach((s, i) => this.compare(s, np[i], `${path}[${i}]`));
  }

  private compareObject(o: Obj, n: Obj, path: string): void {
    const [op, oReq] = declared(o);
    const [np, nReq] = declared(n);
    const oExtra = extraKind(o.additionalProperties);
    for (const [k, schema] of op) {
      const at = member(path, k);
      const next = np.get(k);
      if (next === undefined) {
        this.report(at, oReq.has(k) ? 'required field removed (old consumers reject events without it)' : 'field removed (keep it optional and deprecated, or make a new version)');
        continue;
      }
      if (oReq.has(k) && !nReq.has(k)) this.report(at, 'field became optional (old consumers reject events without it)');
      if (!oReq.has(k) && nReq.has(k)) this.report(at, 'field became required (old events may lack it)');
      this.compare(schema, next, at);
    }
    for (const k of [...np.keys()].filter((x) => !op.has(x))) {
      const at = member(path, k);
      if (nReq.has(k)) this.report(at, 'new required field (old events lack it)');
      else if (oExtra !== 'open') this.report(at, 'field added to an object whose unknown properties old consumers reject');
    }
    const nExtra = extraKind(n.additionalProperties);
    if (oExtra !== nExtra) this.report(path, `additionalProperties changed from ${oExtra} to ${nExtra}`);
    else if (oExtra === 'constrained') this.compare(o.additionalProperties as JsonSchema, n.additionalProperties as JsonSchema, `${path}.*`);
  }

  private report(path: string, problem: string): void {
    this.out.push({ path, problem });
  }
}

/** `anyOf`/`oneOf` and `type: [...]` as a list of single-type alternatives. */
function branches(s: JsonSchema): JsonSchema[] {
  if (typeof s === 'boolean') return [s];
  const alts = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (alts) {
    // keywords beside the alternatives apply to each of them
    const rest = Object.fromEntries(Object.entries(s).filter(([k]) => k !== 'anyOf' && k !== 'oneOf' && !ANNOTATIONS.has(k)));
    return alts.flatMap((b) => branches(Object.keys(rest).length && typeof b === 'object' ? { ...rest, ...b } : b));
  }
  if (Array.isArray(s.type)) return (s.type as string[]).map((t) => (t === 'null' ? { type: 'null' } : { ...s, type: t }));
  return [s];
}

/**
 * An open enum (`z.enum([...]).or(z.string())`): where both sides also accept any value of the
 * enum's type, the enum's values decide nothing and may change.
 */
function withoutSubsumedEnums(o: JsonSchema[], n: JsonSchema[]): [JsonSchema[], JsonSchema[]] {
  const unconstrained = (bs: JsonSchema[]) =>
    new Set(bs.filter((b) => typeof b === 'object' && typeof b.type === 'string' && Object.keys(b).every((k) => k === 'type' || ANNOTATIONS.has(k))).map((b) => (b as Obj).type as string));
  const both = [...unconstrained(o)].filter((t) => unconstrained(n).has(t));
  const keep = (bs: JsonSchema[]) => bs.filter((b) => typeof b === 'boolean' || !both.includes(b.type as string) || !('enum' in b || 'const' in b));
  return [keep(o), keep(n)];
}

function deref(root: JsonSchema, s: JsonSchema, seen = new Set<string>()): JsonSchema {
  if (typeof s === 'boolean' || typeof s.$ref !== 'string' || typeof root === 'boolean') return s;
  const ref = s.$ref;
  if (seen.has(ref) || !ref.startsWith('#/')) return s;
  const target = ref
    .slice(2)
    .split('/')
    .reduce<unknown>((at, part) => (at as Obj | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], root) as JsonSchema | undefined;
  if (target === undefined) return s;
  const { $ref: _r, ...rest } = s;
  const resolved = deref(root, target, new Set([...seen, ref]));
  return Object.keys(rest).length && typeof resolved === 'object' ? { ...resolved, ...rest } : resolved;
}

/** Properties by name (those only named in `required` accept anything) and the required names. */
function declared(o: Obj): [Map<string, JsonSchema>, Set<string>] {
  const required = new Set((o.required ?? []) as string[]);
  const props = new Map(Object.entries((o.properties ?? {}) as Record<string, JsonSchema>));
  for (const k of required) if (!props.has(k)) props.set(k, true);
  return [props, required];
}

const isNull = (s: JsonSchema): boolean => typeof s === 'object' && s.type === 'null' && Object.keys(s).every((k) => k === 'type' || ANNOTATIONS.has(k));
const isAny = (bs: JsonSchema[]): boolean =>
  bs.length === 1 && (bs[0] === true || (typeof bs[0] === 'object' && Object.keys(bs[0]).every((k) => ANNOTATIONS.has(k))));

function extraKind(a: unknown): 'open' | 'closed' | 'constrained' {
  if (a === undefined || a === true) return 'open';
  if (a === false) return 'closed';
  return Object.keys(a as Obj).every((k) => ANNOTATIONS.has(k)) ? 'open' : 'constrained';
}

function enumChange(o: unknown, n: unknown): string {
  const ov = ((o ?? []) as unknown[]).map(canonical);
  const nv = ((n ?? []) as unknown[]).map(canonical);
  const added = nv.filter((v) => !ov.includes(v));
  const removed = ov.filter((v) => !nv.includes(v));
  if (!o || !n) return `enum ${o ? 'removed' : 'added'} (${show(o ?? n)})`;
  return [added.length ? `enum values added ${added.join(', ')} (old consumers reject them)` : '', removed.length ? `enum values removed ${removed.join(', ')} (old events may carry them)` : '']
    .filter(Boolean)
    .join('; ');
}

const member = (path: string, key: string): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);
const show = (v: unknown): string => (v === undefined ? 'none' : JSON.stringify(v));

/** JSON with sorted keys: equal values, equal strings. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Obj)[k])}`)
      .join(',')}}`;
  }
  return v === undefined ? 'null' : JSON.stringify(v);
}
