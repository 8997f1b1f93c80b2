import { TEMPLATE_SEED } from '../migrations/0003_templates';
import type { Graph } from './graph';
import { validateGraph } from './validate';

const e = (from: string, fromPort: string, to: string, toPort: string) => ({ from: { node: from, port: fromPort }, to: { node: to, port: toPort } });
const clone = (): Graph => structuredClone(TEMPLATE_SEED[1].graph) as unknown as Graph;

describe('validateGraph', () => {
  it.each(TEMPLATE_SEED.map((t) => [t.id, t.graph]))('accepts the %s template', (_, graph) => {
    expect(validateGraph(graph as unknown as Graph)).toEqual([]);
  });

  it('names an unknown node type', () => {
    const g = clone();
    g.nodes.push({ id: 'x', type: 'vwap', params: {} });
    expect(validateGraph(g)).toEqual([{ nodeId: 'x', message: 'unknown node type "vwap"' }]);
  });

  it('names a cycle', () => {
    const g = clone();
    g.nodes.push({ id: 'both', type: 'and', params: {} }, { id: 'either', type: 'or', params: {} });
    g.edges.push(e('both', 'signal', 'either', 'a'), e('either', 'signal', 'both', 'a'), e('buy_when', 'signal', 'both', 'b'), e('sell_when', 'signal', 'either', 'b'));
    expect(validateGraph(g)).toEqual([{ nodeId: 'both', message: 'cycle: both -> either -> both' }]);
  });

  it('names a type mismatch between ports', () => {
    const g = clone();
    g.edges = g.edges.filter((x) => x.to.node !== 'entry');
    g.edges.push(e('rsi', 'series', 'entry', 'signal'));
    expect(validateGraph(g)).toEqual([
      { nodeId: 'entry', edgeId: 'rsi.series->entry.signal', message: 'type mismatch: rsi.series is series, entry.signal accepts signal' },
      { nodeId: 'entry', message: 'required input "signal" is not connected' },
    ]);
  });

  it('names a dangling edge and an unknown port', () => {
    const g = clone();
    g.edges.push({ id: 'e9', ...e('ghost', 'series', 'rsi', 'series') }, e('rsi', 'value', 'sell_when', 'right'));
    expect(validateGraph(g)).toEqual([
      { edgeId: 'e9', message: 'edge refers to unknown node "ghost"' },
      { nodeId: 'rsi', edgeId: 'rsi.value->sell_when.right', message: 'rsi node has no output port "value"' },
    ]);
  });

  it('names a missing required input and an input connected twice', () => {
    const g = clone();
    g.edges = g.edges.filter((x) => !(x.to.node === 'buy_when' && x.to.port === 'right'));
    g.edges.push(e('overbought', 'number', 'sell_when', 'right'));
    expect(validateGraph(g)).toEqual([
      { nodeId: 'sell_when', edgeId: 'overbought.number->sell_when.right', message: 'input "right" is connected more than once' },
      { nodeId: 'buy_when', message: 'required input "right" is not connected' },
    ]);
  });

  it('wants exactly one entry, one exit and one sizing node, and good params', () => {
    const g = clone();
    g.nodes = g.nodes.filter((n) => n.type !== 'sizing' && n.type !== 'exit');
    g.edges = g.edges.filter((x) => x.to.node !== 'exit');
    g.nodes.push({ id: 'entry2', type: 'entry', params: {} });
    g.edges.push(e('sell_when', 'signal', 'entry2', 'signal'));
    g.nodes.find((n) => n.id === 'rsi')!.params = { period: 0 };
    g.nodes.find((n) => n.id === 'buy_when')!.params = { op: '==' };
    const errors = validateGraph(g);
    expect(errors).toEqual([
      { nodeId: 'rsi', message: expect.stringMatching(/^params\.period: /) },
      { nodeId: 'buy_when', message: expect.stringMatching(/^params\.op: /) },
      { nodeId: 'entry2', message: 'the workflow needs exactly one entry node, it has 2' },
      { message: 'the workflow needs exactly one exit node, it has none' },
      { message: 'the workflow needs exactly one sizing node, it has none' },
    ]);
  });

  it('wants indicators computed on the close price', () => {
    const g = clone();
    g.nodes.push({ id: 'smooth', type: 'sma', params: { period: 3 } });
    g.edges.push(e('rsi', 'series', 'smooth', 'series'));
    expect(validateGraph(g)).toEqual([
      { nodeId: 'smooth', edgeId: 'rsi.series->smooth.series', message: 'indicators compute on the close price: connect "series" to a price node with field close' },
    ]);
  });

  it('takes the indicator bounds strategy takes (RSI and Bollinger need a period of 2, bands at least 0.1 wide)', () => {
    const g = clone();
    g.nodes.find((n) => n.id === 'rsi')!.params = { period: 1 };
    g.nodes.push({ id: 'bands', type: 'bollinger', params: { period: 1, stdDev: 0.05 } });
    g.edges.push(e('price', 'series', 'bands', 'series'));
    expect(validateGraph(g).map((x) => [x.nodeId, x.message.split(':')[0]])).toEqual([
      ['rsi', 'params.period'],
      ['bands', 'params.period'],
      ['bands', 'params.stdDev'],
    ]);
  });

  /** `n` and-nodes, each taking the previous one on both inputs: 3n nodes in the graph, 2^(n+1) - 1 in the compiled tree. */
  const doubling = (n: number): Graph => {
    const g = clone();
    g.edges = g.edges.filter((x) => x.to.node !== 'entry');
    let prev = 'buy_when';
    for (let i = 0; i < n; i++) {
      g.nodes.push({ id: `and${i}`, type: 'and', params: {} });
      g.edges.push(e(prev, 'signal', `and${i}`, 'a'), e(prev, 'signal', `and${i}`, 'b'));
      prev = `and${i}`;
    }
    g.edges.push(e(prev, 'signal', 'entry', 'signal'));
    return g;
  };

  it('measures what the rules compile to, without compiling: a graph that doubles at each node is refused at once', () => {
    const started = performance.now();
    const errors = validateGraph(doubling(150));
    expect(performance.now() - started).toBeLessThan(100);
    expect(errors).toEqual([
      { nodeId: 'entry', message: 'the entry rule is 151 levels deep; strategy takes at most 8' },
      { nodeId: 'entry', message: expect.stringMatching(/^the entry and exit rules compile to [\d.e+]+ conditions and and\/or nodes \(entry: [\d.e+]+\); strategy takes at most 200$/) },
    ]);
  });

  it('accepts rules up to strategy\'s depth and refuses one level more', () => {
    expect(validateGraph(doubling(6))).toEqual([]); // 127 + 1 nodes, 7 levels deep
    expect(validateGraph(doubling(7))).toEqual([
      { nodeId: 'entry', message: 'the entry and exit rules compile to 256 conditions and and/or nodes (entry: 255); strategy takes at most 200' },
    ]);
    expect(validateGraph(doubling(8))).toEqual([
      { nodeId: 'entry', message: 'the entry rule is 9 levels deep; strategy takes at most 8' },
      { nodeId: 'entry', message: 'the entry and exit rules compile to 512 conditions and and/or nodes (entry: 511); strategy takes at most 200' },
    ]);
  });
});
