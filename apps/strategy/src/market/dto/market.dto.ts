import { z } from 'zod';
import { wire } from '@alphintra/platform-http';
import { symbolField } from '../../instruments/dto/instrument.dto';

const speed = z.number().int().min(1).max(60).default(1);

const secret = z.string().trim().min(8).max(256).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

/**
 * `alpaca`: the key pair is sealed at rest (ADR 0030) and never answered; left out, the stored one
 * is used. `forgetAlpacaKey` (any mode but alpaca) deletes the stored one.
 */
export const feedChange = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('simulated'), seed: z.number().int().min(0).max(2 ** 31 - 1).default(1), speed, forgetAlpacaKey: z.boolean().default(false) }).strict(),
    z.object({ mode: z.literal('replay'), from: z.iso.date(), speed, forgetAlpacaKey: z.boolean().default(false) }).strict(),
    z
      .object({
        mode: z.literal('alpaca'),
        feed: z.enum(['iex', 'sip']).default('iex'),
        symbols: z.array(symbolField).min(1).max(500).optional(),
        keyId: secret.optional(),
        secretKey: secret.optional(),
      })
      .strict(),
    z.object({ mode: z.literal('off'), forgetAlpacaKey: z.boolean().default(false) }).strict(),
  ])
  .superRefine((c, ctx) => {
    if (c.mode === 'alpaca' && (c.keyId === undefined) !== (c.secretKey === undefined)) {
      ctx.addIssue({ code: 'custom', path: [c.keyId === undefined ? 'keyId' : 'secretKey'], message: 'keyId and secretKey come together' });
    }
  });
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
  mode: z.enum(['simulated', 'replay', 'alpaca', 'off']),
  seed: z.number().int().nullable(),
  speed: z.number().int(),
  from: wire.date().nullable(),
  alpaca: z.object({ feed: z.enum(['iex', 'sip']), symbols: z.array(z.string()).nullable() }).nullable(),
  /** The stored alpaca key: the last four characters of its key id, never more. */
  alpacaKey: z.object({ keyIdLast4: z.string(), sealedWith: z.string() }).nullable(),
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
    error: z.string().optional(),
    connection: z
      .object({
        state: z.enum(['connecting', 'authenticating', 'subscribing', 'streaming', 'backoff', 'failed', 'stopped']),
        reason: z.string().nullable(),
        connections: z.number().int(),
        reconnects: z.number().int(),
        lastMessageAt: wire.timestamp().nullable(),
        backfill: z.object({ state: z.enum(['idle', 'running', 'done', 'failed']), bars: z.number().int(), reason: z.string().nullable() }),
      })
      .optional(),
    published: z.object({ quotes: z.number().int(), trades: z.number().int(), bars: z.number().int() }).optional(),
  }),
});
