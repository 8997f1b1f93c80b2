import { MAX_RULE_DEPTH, MAX_RULE_NODES } from '@alphintra/backtesting';
import { edgeLabel, isIndicator, NODE_KINDS, type Graph, type GraphEdge, type GraphError, type GraphNode } from './graph';

const issuesOf = (node: GraphNode): string[] => {
  const r = NODE_KINDS[node.type]!.params.safeParse(node.params ?? {});
  return r.success ? [] : r.error.issues.map((i) => `params${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`);
};

/**
 * Everything wrong with a graph, each error naming its node or edge: unknown node types and
 * ports, bad params, dangling edges, type mismatches, inputs connected twice or not at all,
 * cycles, and not exactly one entry, one exit and one sizing node.
 */
export function validateGraph(graph: Graph): GraphError[] {
  const errors: GraphError[] = [];
  const nodes = new Map<string, GraphNode>();
  for (const node of graph.nodes) {
    if (nodes.has(node.id)) errors.push({ nodeId: node.id, message: `duplicate node id "${node.id}"` });
    else nodes.set(node.id, node);
    if (!NODE_KINDS[node.type]) errors.push({ nodeId: node.id, message: `unknown node type "${node.type}"` });
    else for (const m of issuesOf(node)) errors.push({ nodeId: node.id, message: m });
  }

  const incoming = new Map<string, GraphEdge>();
  const usable: GraphEdge[] = [];
  for (const edge of graph.edges) {
    const edgeId = edgeLabel(edge);
    const from = nodes.get(edge.from.node);
    const to = nodes.get(edge.to.node);
    if (!from || !to) {
      for (const end of [from ? undefined : edge.from.node, to ? undefined : edge.to.node].filter(Boolean)) {
        errors.push({ edgeId, message: `edge refers to unknown node "${end}"` });
      }
      continue;
    }
    const fromKind = NODE_KINDS[from.type];
    const toKind = NODE_KINDS[to.type];
    if (!fromKind || !toKind) continue; // the node's own error says why
    const out = fromKind.outputs[edge.from.port];
    const accepts = toKind.inputs[edge.to.port];
    if (!out) errors.push({ nodeId: from.id, edgeId, message: `${from.type} node has no output port "${edge.from.port}"` });
    if (!accepts) errors.push({ nodeId: to.id, edgeId, message: `${to.type} node has no input port "${edge.to.port}"` });
    if (!out || !accepts) continue;
    if (!accepts.includes(out)) {
      errors.push({ nodeId: to.id, edgeId, message: `type mismatch: ${from.id}.${edge.from.port} is ${out}, ${to.id}.${edge.to.port} accepts ${accepts.join(' or ')}` });
      continue;
    }
    const key = `${to.id}\u0000${edge.to.port}`;
    if (incoming.has(key)) {
      errors.push({ nodeId: to.id, edgeId, message: `input "${edge.to.port}" is connected more than once` });
      continue;
    }
    incoming.set(key, edge);
    usable.push(edge);
  }

  for (const node of nodes.values()) {
    const kind = NODE_KINDS[node.type];
    if (!kind) continue;
    for (const port of Object.keys(kind.inputs)) {
      const edge = incoming.get(`${node.id}\u0000${port}`);
      if (!edge) {
        errors.push({ nodeId: node.id, message: `required input "${port}" is not connected` });
        continue;
      }
      // The strategy spec computes every indicator on the close price.
      if (isIndicator(node.type)) {
        const source = nodes.get(edge.from.node)!;
        if (source.type !== 'price' || (source.params?.field ?? 'close') !== 'close') {
          errors.push({ nodeId: node.id, edgeId: edgeLabel(edge), message: 'indicators compute on the close price: connect "series" to a price node with field close' });
        }
      }
    }
  }

  errors.push(...cyclesOf([...nodes.keys()], usable));

  for (const [type, label] of [
    ['entry', 'entry'],
    ['exit', 'exit'],
    ['sizing', 'sizing'],
  ] as const) {
    const found = [...nodes.values()].filter((n) => n.type === type);
    if (found.length === 0) errors.push({ message: `the workflow needs exactly one ${label} node, it has none` });
    for (const extra of found.slice(1)) errors.push({ nodeId: extra.id, message: `the workflow needs exactly one ${label} node, it has ${found.length}` });
  }
  if (errors.length === 0) errors.push(...ruleSizeErrors(nodes, incoming));
  return errors;
}

/**
 * How large the compiled rules get, measured without compiling: a node feeding several and/or
 * inputs is copied into each, so 200 nodes could compile to a tree of 2^199. Strategy's limits apply.
 */
function ruleSizeErrors(nodes: Map<string, GraphNode>, incoming: Map<string, GraphEdge>): GraphError[] {
  const measured = new Map<string, { size: number; depth: number }>();
  const measure = (id: string): { size: number; depth: number } => {
    let m = measured.get(id);
    if (m) return m;
    if (nodes.get(id)!.type === 'and' || nodes.get(id)!.type === 'or') {
      const [a, b] = ['a', 'b'].map((port) => measure(incoming.get(`${id}\u0000${port}`)!.from.node));
      m = { size: 1 + a!.size + b!.size, depth: 1 + Math.max(a!.depth, b!.depth) };
    } else m = { size: 1, depth: 1 };
    measured.set(id, m);
    return m;
  };
  const [entry, exit] = (['entry', 'exit'] as const).map((type) => {
    const node = [...nodes.values()].find((n) => n.type === type)!;
    return { node, ...measure(incoming.get(`${node.id}\u0000signal`)!.from.node) };
  });
  const errors: GraphError[] = [];
  for (const r of [entry!, exit!]) {
    if (r.depth > MAX_RULE_DEPTH) errors.push({ nodeId: r.node.id, message: `the ${r.node.type} rule is ${r.depth} levels deep; strategy takes at most ${MAX_RULE_DEPTH}` });
  }
  const size = entry!.size + exit!.size;
  if (size > MAX_RULE_NODES) {
    const larger = entry!.size >= exit!.size ? entry! : exit!;
    errors.push({ nodeId: larger.node.id, message: `the entry and exit rules compile to ${size} conditions and and/or nodes (${larger.node.type}: ${larger.size}); strategy takes at most ${MAX_RULE_NODES}` });
  }
  return errors;
}

/** One error per cycle found, naming a node on it. */
function cyclesOf(ids: string[], edges: GraphEdge[]): GraphError[] {
  const next = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) next.get(e.from.node)!.push(e.to.node);
  const state = new Map<string, 'open' | 'done'>();
  const errors: GraphError[] = [];
  const visit = (id: string, path: string[]): void => {
    state.set(id, 'open');
    for (const to of next.get(id)!) {
      if (state.get(to) === 'open') {
        const stack = [...path, id];
        const cycle = [...stack.slice(stack.indexOf(to)), to];
        errors.push({ nodeId: to, message: `cycle: ${cycle.join(' -> ')}` });
      } else if (!state.has(to)) visit(to, [...path, id]);
    }
    state.set(id, 'done');
  };
  for (const id of ids) if (!state.has(id)) visit(id, []);
  return errors;
}
