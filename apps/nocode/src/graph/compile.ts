import { NODE_KINDS, isIndicator, type Graph, type GraphEdge, type GraphNode, type IndicatorKind, type PriceField } from './graph';
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

/** A decimal string without exponent or trailing zeros after the point ("10", "2.5"). */
const decimal = (v: unknown): string => {
  const s = typeof v === 'number' ? v.toFixed(10) : String(v);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
};

/**
 * Compiles a valid workflow graph to the strategy service's spec: the indicators the rules
 * use (in the graph's node order, each with the node's id), the entry and exit rules, the sizing.
 */
export function compileGraph(graph: Graph): StrategySpec {
  const errors = validateGraph(graph);
  if (errors.length > 0) throw new InvalidGraphError(`the graph is not valid: ${errors.map((e) => e.message).join('; ')}`);
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
      .map((n) => ({ id: n.id, kind: n.type as IndicatorKind, params: params(n) as Record<string, number> })),
    entry,
    exit,
    sizing: s.kind === 'fixed_quantity' ? { kind: 'fixed_quantity', quantity: decimal(s.quantity) } : { kind: 'percent_of_equity', percent: decimal(s.percent) },
  };
}
