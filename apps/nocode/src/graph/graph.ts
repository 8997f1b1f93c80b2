import { z } from 'zod';

/** What travels on an edge; condition inputs accept a series or a number. */
export type PortType = 'series' | 'number' | 'signal';

export interface GraphNode {
  id: string;
  type: string;
  params?: Record<string, unknown>;
  position?: { x: number; y: number };
}

export interface GraphEdge {
  id?: string;
  from: { node: string; port: string };
  to: { node: string; port: string };
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface GraphError {
  nodeId?: string;
  edgeId?: string;
  message: string;
}

const periodFrom = (min: number) => z.number().int().min(min).max(1000);
const positiveInt = periodFrom(1);
const positiveDecimal = z.union([z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/, 'must be a decimal string such as "10"'), z.number().finite()]).refine((v) => Number(v) > 0, 'must be greater than 0');

const PRICE_FIELDS = ['close', 'open', 'high', 'low'] as const;
export type PriceField = (typeof PRICE_FIELDS)[number];

export interface NodeKind {
  inputs: Record<string, readonly PortType[]>;
  outputs: Record<string, PortType>;
  params: z.ZodType<Record<string, unknown>>;
}

const SERIES_OR_NUMBER = ['series', 'number'] as const;
const SIGNAL = ['signal'] as const;

/** Every node type a workflow may use, with its typed ports and its parameters. */
export const NODE_KINDS: Record<string, NodeKind> = {
  price: { inputs: {}, outputs: { series: 'series' }, params: z.strictObject({ field: z.enum(PRICE_FIELDS).default('close') }) },
  sma: { inputs: { series: ['series'] }, outputs: { series: 'series' }, params: z.strictObject({ period: positiveInt }) },
  ema: { inputs: { series: ['series'] }, outputs: { series: 'series' }, params: z.strictObject({ period: positiveInt }) },
  rsi: { inputs: { series: ['series'] }, outputs: { series: 'series' }, params: z.strictObject({ period: periodFrom(2) }) },
  macd: {
    inputs: { series: ['series'] },
    outputs: { macd: 'series', signal: 'series', histogram: 'series' },
    params: z
      .strictObject({ fast: positiveInt, slow: positiveInt, signal: positiveInt })
      .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] }),
  },
  bollinger: {
    inputs: { series: ['series'] },
    outputs: { upper: 'series', middle: 'series', lower: 'series' },
    // `stdDev` here is strategy's `k` (the compiler renames it); the bounds are strategy's.
    params: z.strictObject({ period: periodFrom(2), stdDev: z.number().min(0.1).max(10) }),
  },
  constant: { inputs: {}, outputs: { number: 'number' }, params: z.strictObject({ value: z.number().finite() }) },
  compare: {
    inputs: { left: SERIES_OR_NUMBER, right: SERIES_OR_NUMBER },
    outputs: { signal: 'signal' },
    params: z.strictObject({ op: z.enum(['>', '<', '>=', '<=']) }),
  },
  cross: {
    inputs: { left: SERIES_OR_NUMBER, right: SERIES_OR_NUMBER },
    outputs: { signal: 'signal' },
    params: z.strictObject({ direction: z.enum(['above', 'below']) }),
  },
  and: { inputs: { a: SIGNAL, b: SIGNAL }, outputs: { signal: 'signal' }, params: z.strictObject({}) },
  or: { inputs: { a: SIGNAL, b: SIGNAL }, outputs: { signal: 'signal' }, params: z.strictObject({}) },
  entry: { inputs: { signal: SIGNAL }, outputs: {}, params: z.strictObject({}) },
  exit: { inputs: { signal: SIGNAL }, outputs: {}, params: z.strictObject({}) },
  sizing: {
    inputs: {},
    outputs: {},
    params: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('fixed_quantity'), quantity: positiveDecimal }),
      z.strictObject({ kind: z.literal('percent_of_equity'), percent: positiveDecimal.refine((v) => Number(v) <= 100, 'must be at most 100') }),
    ]),
  },
};

export const INDICATOR_KINDS = ['sma', 'ema', 'rsi', 'macd', 'bollinger'] as const;
export type IndicatorKind = (typeof INDICATOR_KINDS)[number];
export const isIndicator = (type: string): type is IndicatorKind => (INDICATOR_KINDS as readonly string[]).includes(type);

export const edgeLabel = (e: GraphEdge): string => e.id ?? `${e.from.node}.${e.from.port}->${e.to.node}.${e.to.port}`;

/** The graph as the HTTP API accepts it; meaning (types, ports, cycles) is the validator's. */
const nodeId = z.string().trim().min(1).max(64);
export const graphSchema = z.strictObject({
  nodes: z
    .array(
      z.strictObject({
        id: nodeId,
        type: z.string().min(1).max(32),
        params: z.record(z.string(), z.unknown()).default({}),
        position: z.strictObject({ x: z.number().finite(), y: z.number().finite() }).optional(),
      }),
    )
    .max(200),
  edges: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(64).optional(),
        from: z.strictObject({ node: nodeId, port: z.string().min(1).max(32) }),
        to: z.strictObject({ node: nodeId, port: z.string().min(1).max(32) }),
      }),
    )
    .max(500),
});
