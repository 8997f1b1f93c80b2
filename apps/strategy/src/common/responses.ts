import { z } from 'zod';
import { wire } from '@alphintra/platform-http';

export const instrumentResponse = z.object({
  symbol: z.string(),
  name: z.string(),
  exchange: z.string(),
  sector: z.string().nullable(),
  industry: z.string().nullable(),
  country: z.string().nullable(),
  currency: z.string(),
  marketCap: wire.decimal(),
  peRatio: wire.decimal().nullable(),
  lastPrice: wire.decimal().nullable(),
  change1dPct: wire.decimal().nullable(),
  volume: z.string().regex(/^\d+$/).nullable(),
  status: z.enum(['listed', 'delisted']),
});
export const instrumentPageResponse = wire.page(instrumentResponse);
export const instrumentListResponse = wire.list(instrumentResponse);

const ohlcv = { open: wire.decimal(), high: wire.decimal(), low: wire.decimal(), close: wire.decimal(), volume: z.string().regex(/^\d+$/) };
/** Daily bars carry their session `date`; intraday bars the `start` of their interval. */
export const barPageResponse = wire.page(z.union([z.object({ date: wire.date(), ...ohlcv }), z.object({ start: wire.timestamp(), ...ohlcv })]));
export const barsUpsertedResponse = z.object({
  symbol: z.string(),
  received: z.number().int(),
  inserted: z.number().int(),
  updated: z.number().int(),
  from: wire.date(),
  to: wire.date(),
  lastPrice: wire.decimal().nullable(),
});

export const blacklistEntryResponse = z.object({ symbol: z.string(), reason: z.string().nullable(), addedBy: wire.uuid(), addedAt: wire.timestamp() });
export const blacklistPageResponse = wire.page(blacklistEntryResponse);

const filterStatus = z.enum(['active', 'retired']);
export const numericFiltersResponse = wire.page(
  z.object({ id: wire.uuid(), key: z.string(), label: z.string(), valueType: z.enum(['decimal', 'integer']), unit: z.string().nullable(), status: filterStatus }),
);
export const categoricalFiltersResponse = wire.page(z.object({ id: wire.uuid(), key: z.string(), label: z.string(), status: filterStatus, values: z.array(z.string()) }));

export const screenerResponse = z.object({
  id: wire.uuid(),
  name: z.string(),
  description: z.string(),
  numeric: z.array(z.object({ filterId: wire.uuid(), key: z.string(), min: wire.decimal().nullable(), max: wire.decimal().nullable() })),
  categorical: z.array(z.object({ filterId: wire.uuid(), key: z.string(), values: z.array(z.string()) })),
});
export const screenerListResponse = wire.page(screenerResponse);

export const strategyResponse = z.object({
  id: wire.uuid(),
  name: z.string(),
  spec: z.record(z.string(), z.unknown()),
  source: z.enum(['api', 'nocode']),
  workflowId: wire.uuid().nullable(),
  workflowVersion: z.number().int().nullable(),
  createdAt: wire.timestamp(),
});
export const strategyPageResponse = wire.page(strategyResponse);

export const backtestQueuedResponse = z.object({ id: wire.uuid(), status: z.literal('queued') });
export const backtestResponse = z.object({
  id: wire.uuid(),
  strategyId: wire.uuid(),
  symbols: z.array(z.string()),
  from: wire.date(),
  to: wire.date(),
  initialCapital: wire.decimal(),
  commissionBps: wire.decimal(),
  slippageBps: wire.decimal(),
  executionId: wire.uuid().nullable(),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  attempts: z.number().int(),
  error: z.string().nullable(),
  createdAt: wire.timestamp(),
  startedAt: wire.timestamp().nullable(),
  finishedAt: wire.timestamp().nullable(),
  metrics: z.record(z.string(), z.unknown()).nullable(),
  trades: z.array(z.unknown()).nullable(),
  equityCurve: z.array(z.unknown()).nullable(),
});
