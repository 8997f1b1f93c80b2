import { z } from 'zod';
import { symbol } from '@alphintra/contracts';

/** Close codes of `/api/v1/stream` besides the standard ones (1001 going away, 1009 message too big, 1013 try again later). */
export const CLOSE = {
  /** No `auth` in time, a first message that is not `auth`, or a token refused, expired or revoked. */
  unauthorized: 4001,
  /** More data waiting for the client than the gateway holds for one connection. */
  slowConsumer: 4008,
  tooManyConnections: 4029,
  tooManySymbols: 4030,
  /** The gateway holds as many sockets as it is configured for. */
  overloaded: 1013,
  goingAway: 1001,
} as const;

// Clients send tickers in any case; the contracts' tickers are upper-case.
const symbols = z.array(z.string().max(16).transform((s) => s.toUpperCase()).pipe(symbol)).max(1_000);

const subscription = z.object({
  quotes: symbols.optional(),
  bars: symbols.optional(),
  trades: z.boolean().optional(),
  account: z.boolean().optional(),
});

export const clientMessage = z.discriminatedUnion('action', [
  z.object({ action: z.literal('auth'), token: z.string().min(1).max(8_192) }),
  subscription.extend({
    action: z.literal('subscribe'),
    /** Replay the caller's order updates after this event id, before live ones. */
    since: z.string().min(1).max(64).optional(),
  }),
  subscription.extend({ action: z.literal('unsubscribe') }),
]);

export type ClientMessage = z.infer<typeof clientMessage>;
export type Subscription = z.infer<typeof subscription>;

export type StreamName = 'authorized' | 'subscription' | 'resume' | 'error' | 'quote' | 'bar' | 'trade_update' | 'account';

/** Every server message is one JSON text frame `{stream, data}`. */
export const frame = (stream: StreamName, data: unknown): string => JSON.stringify({ stream, data });

/** Close reasons are at most 123 bytes (RFC 6455 §5.5). */
export const closeReason = (text: string): string => (Buffer.byteLength(text) <= 123 ? text : Buffer.from(text).subarray(0, 120).toString().replace(/\uFFFD+$/, '') + '...');
