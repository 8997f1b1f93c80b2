import { parseStrategySpec } from '@alphintra/backtesting';
import { NODE_KINDS, isIndicator, type Graph, type GraphEdge, type GraphError, type GraphNode, type IndicatorKind, type PriceField } from './graph';
import { validateGraph } from './validate';

export type Operand = { indicator: string; output?: 'macd' | 'signal' | 'histogram' | 'upper' | 'middle' | 'lower' } | { price: PriceField } | { value: number };
export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { compare: { left: Operand; op: '>' | '<' | '>=' | '<='; right: Operand } }
  | { cross: { left: Operand; direction: 'above' | 'below'; right: Operand } };
export interface StrategySpec {
  indicators: { id: string; kind: IndicatorKind; params: Record<string, number> }[];
  entry: Rule;
  exit: Rule;
  sizing: { kind: 'fixed_quantity'; quantity: string } | { kind: 'percent_of_equity'; percent: string };
}

export class InvalidGraphError extends Error {
  override name = 'InvalidGraphError';
}

/** The graph names Bollinger's band width `stdDev`, as users know it; strategy's spec calls it `k`. */
const specParams = (type: string, p: Record<string, number>): Record<string, number> => {
  if (type !== 'bollinger') return p;
  const { stdDev, ...rest } = p;
  return { ...rest, k: stdDev! };
};

/** A decimal string without exponent or trailing zeros after the point ("10", "2.5"). */
const decimal = (v: unknown): string => {
  const s = typeof v === 'number' ? v.toFixed(10) : String(v);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
};

export type CompileResult = { ok: true; spec: StrategySpec } | { ok: false; errors: GraphError[] };

/**
 * A graph's errors, or its spec as strategy will take it: the compiled spec is checked with
 * strategy's own parser, so a workflow that validates is one strategy accepts. Its errors name
 * the node they come from (an indicator by id; the entry, exit or sizing node for the rest).
 */
export function compileWorkflow(graph: Graph): CompileResult {
  const errors = validateGraph(graph);
  if (errors.length > 0) return { ok: false, errors };
  const spec = compileValid(graph);
  const parsed = parseStrategySpec(spec);
  if (parsed.ok) return { ok: true, spec };
  const nodeOf = (path: string): string | undefined => {
    const [head, index] = path.split('.');
    if (head === 'indicators') return index === undefined ? undefined : spec.indicators[Number(index)]?.id;
    return graph.nodes.find((n) => n.type === head)?.id;
  };
  return { ok: false, errors: parsed.errors.map((e) => ({ nodeId: nodeOf(e.path), message: `strategy refuses the compiled spec at ${e.path}: ${e.message}` })) };
}

/** The spec of a graph that compiles; throws with every error otherwise. */
export function compileGraph(graph: Graph): StrategySpec {
  const r = compileWorkflow(graph);
  if (!r.ok) throw new InvalidGraphError(`the graph is not valid: ${r.errors.map((e) => e.message).join('; ')}`);
  return r.spec;
}

/**
 * Compiles a valid workflow graph to the strategy service's spec: the indicators the rules
 * use (in the graph's node order, each with the node's id), the entry and exit rules, the sizing.
 */
function compileValid(graph: Graph): StrategySpec {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const params = (n: GraphNode) => NODE_KINDS[n.type]!.params.parse(n.params ?? {});
  const inputOf = (n: GraphNode, port: string): GraphEdge => graph.edges.find((e) => e.to.node === n.id && e.to.port === port)!;
  const used = new Set<string>();

  const operand = (edge: GraphEdge): Operand => {
    const n = nodes.get(edge.from.node)!;
    if (n.type === 'price') return { price: params(n).field as PriceField };
    if (n.type === 'constant') return { value: params(n).value as number };
    used.add(n.id);
    return n.type === 'macd' || n.type === 'bollinger' ? { indicator: n.id, output: edge.from.port as 'macd' } : { indicator: n.id };
  };
  const rule = (edge: GraphEdge): Rule => {
    const n = nodes.get(edge.from.node)!;
    const p = params(n);
    switch (n.type) {
      case 'and':
        return { all: [rule(inputOf(n, 'a')), rule(inputOf(n, 'b'))] };
      case 'or':
        return { any: [rule(inputOf(n, 'a')), rule(inputOf(n, 'b'))] };
      case 'compare':
        return { compare: { left: operand(inputOf(n, 'left')), op: p.op as '>', right: operand(inputOf(n, 'right')) } };
      default:
        return { cross: { left: operand(inputOf(n, 'left')), direction: p.direction as 'above', right: operand(inputOf(n, 'right')) } };
    }
  };

  const only = (type: string) => graph.nodes.find((n) => n.type === type)!;
  const entry = rule(inputOf(only('entry'), 'signal'));
  const exit = rule(inputOf(only('exit'), 'signal'));
  const s = params(only('sizing'));
  return {
    indicators: graph.nodes
      .filter((n) => used.has(n.id) && isIndicator(n.type))
      .map((n) => ({ id: n.id, kind: n.type as IndicatorKind, params: specParams(n.type, params(n) as Record<string, number>) })),
    entry,
    exit,
    sizing: s.kind === 'fixed_quantity' ? { kind: 'fixed_quantity', quantity: decimal(s.quantity) } : { kind: 'percent_of_equity', percent: decimal(s.percent) },
  };
}
