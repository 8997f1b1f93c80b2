import { z } from 'zod';

/**
 * A declarative strategy: named indicators, an entry and an exit rule over them, and a sizing.
 * `parseStrategySpec` checks the shape (zod) and then the meaning (indicator ids exist, params
 * fit the kind, outputs are offered by the indicator), answering every error with its path.
 */

export type IndicatorKind = 'sma' | 'ema' | 'rsi' | 'macd' | 'bollinger';
export type PriceField = 'close' | 'open' | 'high' | 'low';
export type IndicatorOutput = 'macd' | 'signal' | 'histogram' | 'upper' | 'middle' | 'lower';

export type Operand = { indicator: string; output?: IndicatorOutput } | { price: PriceField } | { value: number };
export type Comparison = '>' | '<' | '>=' | '<=';
export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { compare: { left: Operand; op: Comparison; right: Operand } }
  | { cross: { left: Operand; direction: 'above' | 'below'; right: Operand } };

export interface IndicatorSpec {
  id: string;
  kind: IndicatorKind;
  params: Record<string, unknown>;
}

export type Sizing = { kind: 'fixed_quantity'; quantity: string } | { kind: 'percent_of_equity'; percent: string };

export interface StrategySpec {
  indicators: IndicatorSpec[];
  entry: Rule;
  exit: Rule;
  sizing: Sizing;
}

export interface SpecError {
  path: string;
  message: string;
}

const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;
/** Rules nest at most this deep (the top rule is depth 1). */
export const MAX_RULE_DEPTH = 8;
/**
 * The entry and exit rules together hold at most this many nodes (all/any/compare/cross). A backtest
 * evaluates every node on every bar of every symbol, so this bounds its cost with the symbol cap.
 */
export const MAX_RULE_NODES = 200;

const operand: z.ZodType<Operand> = z.union([
  z.object({ indicator: z.string().min(1).max(64), output: z.enum(['macd', 'signal', 'histogram', 'upper', 'middle', 'lower']).optional() }).strict(),
  z.object({ price: z.enum(['close', 'open', 'high', 'low']) }).strict(),
  z.object({ value: z.number().finite() }).strict(),
]);

const rule: z.ZodType<Rule> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(rule).min(1).max(20) }).strict(),
    z.object({ any: z.array(rule).min(1).max(20) }).strict(),
    z.object({ compare: z.object({ left: operand, op: z.enum(['>', '<', '>=', '<=']), right: operand }).strict() }).strict(),
    z.object({ cross: z.object({ left: operand, direction: z.enum(['above', 'below']), right: operand }).strict() }).strict(),
  ]),
);

export const strategySpecShape = z
  .object({
    indicators: z
      .array(
        z
          .object({
            id: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must be a name such as "fast_sma"'),
            kind: z.enum(['sma', 'ema', 'rsi', 'macd', 'bollinger']),
            params: z.record(z.string(), z.unknown()).default({}),
          })
          .strict(),
      )
      .max(20),
    entry: rule,
    exit: rule,
    sizing: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('fixed_quantity'), quantity: z.string().regex(DECIMAL, 'must be a decimal string such as "10"').max(30) }).strict(),
      z.object({ kind: z.literal('percent_of_equity'), percent: z.string().regex(DECIMAL, 'must be a decimal string such as "25"').max(30) }).strict(),
    ]),
  })
  .strict();

interface ParamRule {
  name: string;
  fallback: number;
  integer: boolean;
  min: number;
  max: number;
}
const int = (name: string, fallback: number, min: number, max = 1000): ParamRule => ({ name, fallback, integer: true, min, max });

/** The parameters each kind takes (with their defaults) and the outputs it offers (none: the series itself). */
export const INDICATOR_KINDS: Record<IndicatorKind, { params: ParamRule[]; outputs: IndicatorOutput[] }> = {
  sma: { params: [int('period', 20, 1)], outputs: [] },
  ema: { params: [int('period', 20, 1)], outputs: [] },
  rsi: { params: [int('period', 14, 2)], outputs: [] },
  macd: { params: [int('fast', 12, 1), int('slow', 26, 2), int('signal', 9, 1)], outputs: ['macd', 'signal', 'histogram'] },
  bollinger: { params: [int('period', 20, 2), { name: 'k', fallback: 2, integer: false, min: 0.1, max: 10 }], outputs: ['upper', 'middle', 'lower'] },
};

/** Params with defaults filled in, as the engine reads them. */
export function resolvedParams(ind: IndicatorSpec): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of INDICATOR_KINDS[ind.kind].params) out[p.name] = typeof ind.params[p.name] === 'number' ? (ind.params[p.name] as number) : p.fallback;
  return out;
}

export type SpecResult = { ok: true; spec: StrategySpec } | { ok: false; errors: SpecError[] };

/**
 * Walks the raw entry and exit rules before anything else reads them, so an oversized tree costs
 * at most MAX_RULE_NODES steps: the first node past a limit is named by its path.
 */
export function ruleTreeErrors(input: unknown): SpecError[] {
  let nodes = 0;
  const visit = (r: unknown, path: string, depth: number): SpecError | undefined => {
    if (depth > MAX_RULE_DEPTH) return { path, message: `rules nest at most ${MAX_RULE_DEPTH} deep` };
    if (++nodes > MAX_RULE_NODES) return { path, message: `the entry and exit rules hold at most ${MAX_RULE_NODES} nodes together; this is one more` };
    if (!r || typeof r !== 'object') return undefined;
    for (const key of ['all', 'any'] as const) {
      const children = (r as Record<string, unknown>)[key];
      if (!Array.isArray(children)) continue;
      for (let i = 0; i < children.length; i++) {
        const e = visit(children[i], `${path}.${key}.${i}`, depth + 1);
        if (e) return e;
      }
    }
    return undefined;
  };
  const spec = (input ?? {}) as Record<string, unknown>;
  const e = typeof input === 'object' ? (visit(spec.entry, 'entry', 1) ?? visit(spec.exit, 'exit', 1)) : undefined;
  return e ? [e] : [];
}

/** Shape and meaning of a spec arriving as JSON (an HTTP body or a no-code workflow's compiled spec). */
export function parseStrategySpec(input: unknown): SpecResult {
  const oversized = ruleTreeErrors(input);
  if (oversized.length) return { ok: false, errors: oversized };
  const shaped = strategySpecShape.safeParse(input);
  if (!shaped.success) return { ok: false, errors: shaped.error.issues.map((i) => ({ path: i.path.join('.') || '(spec)', message: i.message })) };
  const spec = shaped.data as StrategySpec;
  const errors: SpecError[] = [];
  const kinds = new Map<string, IndicatorKind>();
  spec.indicators.forEach((ind, i) => {
    if (kinds.has(ind.id)) errors.push({ path: `indicators.${i}.id`, message: `duplicates indicator id "${ind.id}"` });
    kinds.set(ind.id, ind.kind);
    const rules = INDICATOR_KINDS[ind.kind].params;
    for (const key of Object.keys(ind.params)) {
      const r = rules.find((p) => p.name === key);
      const path = `indicators.${i}.params.${key}`;
      if (!r) {
        errors.push({ path, message: `is not a parameter of ${ind.kind} (takes ${rules.map((p) => p.name).join(', ')})` });
        continue;
      }
      const v = ind.params[key];
      if (typeof v !== 'number' || !Number.isFinite(v) || (r.integer && !Number.isInteger(v)) || v < r.min || v > r.max) {
        errors.push({ path, message: `must be ${r.integer ? 'a whole number' : 'a number'} from ${r.min} to ${r.max}` });
      }
    }
    if (ind.kind === 'macd') {
      const p = resolvedParams(ind);
      if (p.fast! >= p.slow!) errors.push({ path: `indicators.${i}.params.fast`, message: 'must be below slow' });
    }
  });
  const checkOperand = (o: Operand, path: string) => {
    if (!('indicator' in o)) return;
    const kind = kinds.get(o.indicator);
    if (!kind) return void errors.push({ path: `${path}.indicator`, message: `names no indicator of this spec ("${o.indicator}")` });
    const outputs = INDICATOR_KINDS[kind].outputs;
    if (outputs.length === 0 && o.output) errors.push({ path: `${path}.output`, message: `${kind} has a single output; leave output out` });
    if (outputs.length > 0 && !o.output) errors.push({ path: `${path}.output`, message: `${kind} needs an output: ${outputs.join(', ')}` });
    if (outputs.length > 0 && o.output && !outputs.includes(o.output)) errors.push({ path: `${path}.output`, message: `${kind} offers ${outputs.join(', ')}` });
  };
  const checkRule = (r: Rule, path: string) => {
    if ('all' in r) r.all.forEach((c, i) => checkRule(c, `${path}.all.${i}`));
    else if ('any' in r) r.any.forEach((c, i) => checkRule(c, `${path}.any.${i}`));
    else {
      const [key, body] = 'compare' in r ? (['compare', r.compare] as const) : (['cross', r.cross] as const);
      checkOperand(body.left, `${path}.${key}.left`);
      checkOperand(body.right, `${path}.${key}.right`);
      if ('value' in body.left && 'value' in body.right) errors.push({ path: `${path}.${key}`, message: 'compares two constants' });
    }
  };
  checkRule(spec.entry, 'entry');
  checkRule(spec.exit, 'exit');
  const amount = spec.sizing.kind === 'fixed_quantity' ? spec.sizing.quantity : spec.sizing.percent;
  if (Number(amount) <= 0) errors.push({ path: `sizing.${spec.sizing.kind === 'fixed_quantity' ? 'quantity' : 'percent'}`, message: 'must be greater than 0' });
  if (spec.sizing.kind === 'percent_of_equity' && Number(spec.sizing.percent) > 100) errors.push({ path: 'sizing.percent', message: 'must be at most 100' });
  return errors.length ? { ok: false, errors } : { ok: true, spec };
}
