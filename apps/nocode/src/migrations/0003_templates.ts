import { Migration } from '@mikro-orm/migrations';

const edge = (from: string, fromPort: string, to: string, toPort: string) => ({ from: { node: from, port: fromPort }, to: { node: to, port: toPort } });

const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The templates as released; a later change is a new migration, never an edit here. */
export const TEMPLATE_SEED = [
  {
    id: 'sma-crossover',
    name: 'SMA crossover',
    description: 'Buy when the 20-day SMA crosses above the 50-day SMA; sell when it crosses below.',
    graph: {
      nodes: [
        { id: 'price', type: 'price', params: { field: 'close' } },
        { id: 'fast', type: 'sma', params: { period: 20 } },
        { id: 'slow', type: 'sma', params: { period: 50 } },
        { id: 'cross_up', type: 'cross', params: { direction: 'above' } },
        { id: 'cross_down', type: 'cross', params: { direction: 'below' } },
        { id: 'entry', type: 'entry', params: {} },
        { id: 'exit', type: 'exit', params: {} },
        { id: 'sizing', type: 'sizing', params: { kind: 'percent_of_equity', percent: '10' } },
      ],
      edges: [
        edge('price', 'series', 'fast', 'series'),
        edge('price', 'series', 'slow', 'series'),
        edge('fast', 'series', 'cross_up', 'left'),
        edge('slow', 'series', 'cross_up', 'right'),
        edge('fast', 'series', 'cross_down', 'left'),
        edge('slow', 'series', 'cross_down', 'right'),
        edge('cross_up', 'signal', 'entry', 'signal'),
        edge('cross_down', 'signal', 'exit', 'signal'),
      ],
    },
  },
  {
    id: 'rsi-mean-reversion',
    name: 'RSI mean reversion',
    description: 'Buy when the 14-day RSI drops below 30; sell when it rises above 70.',
    graph: {
      nodes: [
        { id: 'price', type: 'price', params: { field: 'close' } },
        { id: 'rsi', type: 'rsi', params: { period: 14 } },
        { id: 'oversold', type: 'constant', params: { value: 30 } },
        { id: 'overbought', type: 'constant', params: { value: 70 } },
        { id: 'buy_when', type: 'compare', params: { op: '<' } },
        { id: 'sell_when', type: 'compare', params: { op: '>' } },
        { id: 'entry', type: 'entry', params: {} },
        { id: 'exit', type: 'exit', params: {} },
        { id: 'sizing', type: 'sizing', params: { kind: 'fixed_quantity', quantity: '10' } },
      ],
      edges: [
        edge('price', 'series', 'rsi', 'series'),
        edge('rsi', 'series', 'buy_when', 'left'),
        edge('oversold', 'number', 'buy_when', 'right'),
        edge('rsi', 'series', 'sell_when', 'left'),
        edge('overbought', 'number', 'sell_when', 'right'),
        edge('buy_when', 'signal', 'entry', 'signal'),
        edge('sell_when', 'signal', 'exit', 'signal'),
      ],
    },
  },
  {
    id: 'bollinger-breakout',
    name: 'Bollinger breakout',
    description: 'Buy when the close crosses above the upper band (20 days, 2 standard deviations); sell when it falls below the middle band.',
    graph: {
      nodes: [
        { id: 'price', type: 'price', params: { field: 'close' } },
        { id: 'bands', type: 'bollinger', params: { period: 20, stdDev: 2 } },
        { id: 'breakout', type: 'cross', params: { direction: 'above' } },
        { id: 'fade', type: 'compare', params: { op: '<' } },
        { id: 'entry', type: 'entry', params: {} },
        { id: 'exit', type: 'exit', params: {} },
        { id: 'sizing', type: 'sizing', params: { kind: 'percent_of_equity', percent: '25' } },
      ],
      edges: [
        edge('price', 'series', 'bands', 'series'),
        edge('price', 'series', 'breakout', 'left'),
        edge('bands', 'upper', 'breakout', 'right'),
        edge('price', 'series', 'fade', 'left'),
        edge('bands', 'middle', 'fade', 'right'),
        edge('breakout', 'signal', 'entry', 'signal'),
        edge('fade', 'signal', 'exit', 'signal'),
      ],
    },
  },
] as const;

export class Templates extends Migration {
  override async up(): Promise<void> {
    for (const t of TEMPLATE_SEED) {
      this.addSql(`insert into "nocode_data"."template" ("id", "name", "description", "graph") values (${lit(t.id)}, ${lit(t.name)}, ${lit(t.description)}, ${lit(JSON.stringify(t.graph))}::jsonb)`);
    }
  }
}
