import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { decimalString, isoTime, symbol, wholeShares } from '../schemas';
import { TOPICS } from '../topics';

/** Bar lengths the platform serves; 1Min bars are aggregated from trades, the others from 1Min bars (1D from the sessions). */
export const TIMEFRAMES = ['1Min', '5Min', '15Min', '1H', '1D'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];
export const timeframe = z.enum(TIMEFRAMES);

/**
 * The top of the book of one symbol. Published straight to Kafka (an observation, not a business
 * fact) on a compacted topic keyed by symbol: a consumer that falls behind or starts late sees the
 * latest quote of every symbol, not every quote (ADR 0024).
 */
export const QuoteUpdated = defineEvent({
  type: 'marketdata.quote.updated',
  version: 1,
  topic: TOPICS.marketdataQuote,
  schema: z.object({
    symbol,
    bid: decimalString,
    bidSize: wholeShares,
    ask: decimalString,
    askSize: wholeShares,
    last: decimalString,
    lastSize: wholeShares.optional(),
    at: isoTime,
  }),
});

/** One closed bar of one symbol and timeframe, keyed by symbol; `start` opens the interval. */
export const BarClosed = defineEvent({
  type: 'marketdata.bar.closed',
  version: 1,
  topic: TOPICS.marketdataBar,
  schema: z.object({
    symbol,
    timeframe,
    start: isoTime,
    open: decimalString,
    high: decimalString,
    low: decimalString,
    close: decimalString,
    volume: wholeShares,
  }),
});
