import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { decimalString, isoTime, symbol, wholeShares } from '../schemas';
import { TOPICS } from '../topics';

const instrument = z.object({
  symbol,
  name: z.string().min(1),
  exchange: z.string().min(1),
  sector: z.string().nullable(),
  industry: z.string().nullable(),
  country: z.string().nullable(),
  currency: z.string().length(3),
});

/** The owner of instruments (strategy) lists, updates and delists; replicas follow (ARCHITECTURE.md §2). */
export const InstrumentListed = defineEvent({ type: 'marketdata.instrument.listed', version: 1, topic: TOPICS.marketdataInstrument, schema: instrument });
export const InstrumentUpdated = defineEvent({ type: 'marketdata.instrument.updated', version: 1, topic: TOPICS.marketdataInstrument, schema: instrument });
export const InstrumentDelisted = defineEvent({
  type: 'marketdata.instrument.delisted',
  version: 1,
  topic: TOPICS.marketdataInstrument,
  schema: z.object({ symbol, delistedAt: isoTime }),
});

const filterKind = z.enum(['numeric', 'categorical']);
export const FilterDefined = defineEvent({
  type: 'marketdata.filter.defined',
  version: 1,
  topic: TOPICS.marketdataFilter,
  schema: z.object({ id: z.uuid(), kind: filterKind, key: z.string().min(1), label: z.string().min(1) }),
});
export const FilterRetired = defineEvent({
  type: 'marketdata.filter.retired',
  version: 1,
  topic: TOPICS.marketdataFilter,
  schema: z.object({ id: z.uuid(), kind: filterKind }),
});

export const BlacklistAdded = defineEvent({
  type: 'marketdata.blacklist.added',
  version: 1,
  topic: TOPICS.marketdataBlacklist,
  schema: z.object({ symbol, reason: z.string().nullable() }),
});
export const BlacklistRemoved = defineEvent({ type: 'marketdata.blacklist.removed', version: 1, topic: TOPICS.marketdataBlacklist, schema: z.object({ symbol }) });

/**
 * The last trade price of a symbol at `at`. A live feed adds the top of the book as it stands when
 * the price is sent (bid/ask with their sizes; a size of 0 means unknown): the paper venue fills
 * market orders at the ask (buy) or bid (sell) and limits when the other side crosses them (ADR 0035).
 * Daily bars and imports carry the price alone.
 */
export const PriceUpdated = defineEvent({
  type: 'marketdata.price.updated',
  version: 1,
  topic: TOPICS.marketdataPrice,
  schema: z.object({
    symbol,
    price: decimalString,
    at: isoTime,
    bid: decimalString.optional(),
    bidSize: wholeShares.optional(),
    ask: decimalString.optional(),
    askSize: wholeShares.optional(),
  }),
});
