import { z } from 'zod';
import { wire } from '@alphintra/platform-http';
import { symbolField } from '../../instruments/dto/instrument.dto';

const speed = z.number().int().min(1).max(60).default(1);

export const feedChange = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('simulated'), seed: z.number().int().min(0).max(2 ** 31 - 1).default(1), speed }).strict(),
  z.object({ mode: z.literal('replay'), from: z.iso.date(), speed }).strict(),
  z.object({ mode: z.literal('off') }).strict(),
]);
export type FeedChange = z.infer<typeof feedChange>;

export const quotesQuery = z.object({
  symbols: z
    .string()
    .transform((s) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))])
    .pipe(z.array(symbolField).min(1).max(200)),
});
export type QuotesQuery = z.infer<typeof quotesQuery>;

export const quoteResponse = z.object({
  symbol: z.string(),
  bid: wire.decimal(),
  bidSize: z.string(),
  ask: wire.decimal(),
  askSize: z.string(),
  last: wire.decimal(),
  lastSize: z.string().optional(),
  at: wire.timestamp(),
});
export const quotesResponse = wire.list(quoteResponse);

export const feedResponse = z.object({
  mode: z.enum(['simulated', 'replay', 'off']),
  seed: z.number().int().nullable(),
  speed: z.number().int(),
  from: wire.date().nullable(),
  alwaysOpen: z.boolean(),
  session: z.object({ open: z.boolean(), nextOpen: wire.timestamp().nullable(), nextClose: wire.timestamp().nullable() }),
  revision: z.number().int(),
  changedBy: wire.uuid().nullable(),
  changedAt: wire.timestamp(),
  runner: z.object({
    here: z.boolean(),
    status: z.enum(['running', 'finished', 'failed', 'idle', 'elsewhere']),
    startedAt: wire.timestamp().nullable(),
    position: wire.timestamp().optional(),
    published: z.object({ quotes: z.number().int(), trades: z.number().int(), bars: z.number().int() }).optional(),
  }),
});
