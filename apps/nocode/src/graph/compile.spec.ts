import { TEMPLATE_SEED } from '../migrations/0003_templates';
import { compileGraph, InvalidGraphError } from './compile';
import type { Graph } from './graph';

const graphOf = (id: string): Graph => structuredClone(TEMPLATE_SEED.find((t) => t.id === id)!.graph) as unknown as Graph;

describe('compileGraph', () => {
  it('compiles the SMA crossover template', () => {
    expect(compileGraph(graphOf('sma-crossover'))).toEqual({
      indicators: [
        { id: 'fast', kind: 'sma', params: { period: 20 } },
        { id: 'slow', kind: 'sma', params: { period: 50 } },
      ],
      entry: { cross: { left: { indicator: 'fast' }, direction: 'above', right: { indicator: 'slow' } } },
      exit: { cross: { left: { indicator: 'fast' }, direction: 'below', right: { indicator: 'slow' } } },
      sizing: { kind: 'percent_of_equity', percent: '10' },
    });
  });

  it('compiles the RSI mean reversion template', () => {
    expect(compileGraph(graphOf('rsi-mean-reversion'))).toEqual({
      indicators: [{ id: 'rsi', kind: 'rsi', params: { period: 14 } }],
      entry: { compare: { left: { indicator: 'rsi' }, op: '<', right: { value: 30 } } },
      exit: { compare: { left: { indicator: 'rsi' }, op: '>', right: { value: 70 } } },
      sizing: { kind: 'fixed_quantity', quantity: '10' },
    });
  });

  it('compiles the Bollinger breakout template', () => {
    expect(compileGraph(graphOf('bollinger-breakout'))).toEqual({
      indicators: [{ id: 'bands', kind: 'bollinger', params: { period: 20, stdDev: 2 } }],
      entry: { cross: { left: { price: 'close' }, direction: 'above', right: { indicator: 'bands', output: 'upper' } } },
      exit: { compare: { left: { price: 'close' }, op: '<', right: { indicator: 'bands', output: 'middle' } } },
      sizing: { kind: 'percent_of_equity', percent: '25' },
    });
  });

  it('compiles logic nodes, MACD outputs and numeric sizing, leaving out unused indicators', () => {
    const g = graphOf('rsi-mean-reversion');
    const e = (from: string, fp: string, to: string, tp: string) => ({ from: { node: from, port: fp }, to: { node: to, port: tp } });
    g.nodes.push(
      { id: 'm', type: 'macd', params: { fast: 12, slow: 26, signal: 9 } },
      { id: 'unused', type: 'ema', params: { period: 5 } },
      { id: 'up', type: 'cross', params: { direction: 'above' } },
      { id: 'both', type: 'and', params: {} },
      { id: 'either', type: 'or', params: {} },
    );
    g.nodes.find((n) => n.id === 'sizing')!.params = { kind: 'fixed_quantity', quantity: 2.5 };
    g.edges = g.edges.filter((x) => x.to.node !== 'entry' && x.to.node !== 'exit');
    g.edges.push(
      e('price', 'series', 'm', 'series'),
      e('price', 'series', 'unused', 'series'),
      e('m', 'macd', 'up', 'left'),
      e('m', 'signal', 'up', 'right'),
      e('up', 'signal', 'both', 'a'),
      e('buy_when', 'signal', 'both', 'b'),
      e('both', 'signal', 'entry', 'signal'),
      e('sell_when', 'signal', 'either', 'a'),
      e('up', 'signal', 'either', 'b'),
      e('either', 'signal', 'exit', 'signal'),
    );
    expect(compileGraph(g)).toEqual({
      indicators: [
        { id: 'rsi', kind: 'rsi', params: { period: 14 } },
        { id: 'm', kind: 'macd', params: { fast: 12, slow: 26, signal: 9 } },
      ],
      entry: {
        all: [
          { cross: { left: { indicator: 'm', output: 'macd' }, direction: 'above', right: { indicator: 'm', output: 'signal' } } },
          { compare: { left: { indicator: 'rsi' }, op: '<', right: { value: 30 } } },
        ],
      },
      exit: {
        any: [
          { compare: { left: { indicator: 'rsi' }, op: '>', right: { value: 70 } } },
          { cross: { left: { indicator: 'm', output: 'macd' }, direction: 'above', right: { indicator: 'm', output: 'signal' } } },
        ],
      },
      sizing: { kind: 'fixed_quantity', quantity: '2.5' },
    });
  });

  it('refuses an invalid graph', () => {
    const g = graphOf('sma-crossover');
    g.nodes = g.nodes.filter((n) => n.type !== 'sizing');
    expect(() => compileGraph(g)).toThrow(InvalidGraphError);
  });
});
