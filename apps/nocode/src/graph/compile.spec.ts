import { parseStrategySpec, runBacktest } from '@alphintra/backtesting';
import { TEMPLATE_SEED } from '../migrations/0003_templates';
import { compileGraph, compileWorkflow, InvalidGraphError } from './compile';
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
      indicators: [{ id: 'bands', kind: 'bollinger', params: { period: 20, k: 2 } }],
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

  it.each(TEMPLATE_SEED.map((t) => t.id))('compiles the %s template to a spec strategy accepts and backtests', (id) => {
    const parsed = parseStrategySpec(JSON.parse(JSON.stringify(compileGraph(graphOf(id)))));
    expect(parsed).toMatchObject({ ok: true });
    const n = 400;
    const close = Array.from({ length: n }, (_, i) => 100 + 20 * Math.sin(i / 15) + 8 * Math.sin(i / 4));
    const dates = Array.from({ length: n }, (_, i) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
    const r = runBacktest(parsed.ok ? parsed.spec : (undefined as never), [{ symbol: 'X', dates, open: close, high: close, low: close, close }], { initialCapital: '100000', commissionBps: '0', slippageBps: '0' });
    expect(r.equityCurve).toHaveLength(n);
    expect(r.trades.length).toBeGreaterThan(0);
  });

  it("reports what strategy's parser refuses in a graph that is otherwise valid (here 21 indicators, one more than a spec holds)", () => {
    const g = graphOf('rsi-mean-reversion');
    const e = (from: string, fp: string, to: string, tp: string) => ({ from: { node: from, port: fp }, to: { node: to, port: tp } });
    g.edges = g.edges.filter((x) => x.to.node !== 'entry');
    let level = ['buy_when'];
    for (let i = 0; i < 20; i++) {
      g.nodes.push({ id: `sma${i}`, type: 'sma', params: { period: 2 + i } }, { id: `above${i}`, type: 'compare', params: { op: '>' } });
      g.edges.push(e('price', 'series', `sma${i}`, 'series'), e('price', 'series', `above${i}`, 'left'), e(`sma${i}`, 'series', `above${i}`, 'right'));
      level.push(`above${i}`);
    }
    for (let round = 0; level.length > 1; round++) {
      const next: string[] = [];
      for (let i = 0; i < level.length; i += 2) {
        if (i + 1 === level.length) next.push(level[i]!);
        else {
          const id = `or${round}_${i}`;
          g.nodes.push({ id, type: 'or', params: {} });
          g.edges.push(e(level[i]!, 'signal', id, 'a'), e(level[i + 1]!, 'signal', id, 'b'));
          next.push(id);
        }
      }
      level = next;
    }
    g.edges.push(e(level[0]!, 'signal', 'entry', 'signal'));
    expect(compileWorkflow(g)).toEqual({ ok: false, errors: [{ message: 'strategy refuses the compiled spec at indicators: Too big: expected array to have <=20 items' }] });
  });

  it('refuses an invalid graph', () => {
    const g = graphOf('sma-crossover');
    g.nodes = g.nodes.filter((n) => n.type !== 'sizing');
    expect(() => compileGraph(g)).toThrow(InvalidGraphError);
  });
});
