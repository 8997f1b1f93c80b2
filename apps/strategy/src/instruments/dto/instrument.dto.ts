import { z } from 'zod';
import { symbol } from '@alphintra/contracts';
import { limitParam } from '../../common/page';
import { columnDecimal, wireDecimal } from '../../common/decimal';
import type { Stock } from '../stock.entity';

/** Tickers are upper case; a path or body may spell them in any case. */
export const symbolField = z
  .string()
  .max(15)
  .transform((s) => s.toUpperCase())
  .pipe(symbol);

export const symbolParams = z.object({ symbol: symbolField });
export type SymbolParams = z.infer<typeof symbolParams>;

const text = (max: number) => z.string().trim().min(1).max(max);

export const instrumentQuery = z.object({
  search: text(100).optional(),
  sector: text(100).optional(),
  exchange: text(50).optional(),
  status: z.enum(['listed', 'delisted', 'all']).default('listed'),
  limit: limitParam(),
  cursor: symbolField.optional(),
});
export type InstrumentQuery = z.infer<typeof instrumentQuery>;

export const newInstrument = z
  .object({
    symbol: symbolField,
    name: text(200),
    exchange: text(50),
    sector: text(100).nullable().default(null),
    industry: text(100).nullable().default(null),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as "US"').nullable().default(null),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"'),
    marketCap: columnDecimal(24, 2, { min: 'non-negative' }),
    peRatio: columnDecimal(12, 4).nullable().default(null),
  })
  .strict();
export type NewInstrument = z.infer<typeof newInstrument>;

type InstrumentFields = Pick<
  Stock,
  'symbol' | 'name' | 'exchange' | 'sector' | 'industry' | 'country' | 'currency' | 'marketCap' | 'peRatio' | 'lastPrice' | 'change1dPct' | 'volume' | 'status'
>;

export const instrumentView = (s: InstrumentFields) => ({
  symbol: s.symbol,
  name: s.name,
  exchange: s.exchange,
  sector: s.sector ?? null,
  industry: s.industry ?? null,
  country: s.country ?? null,
  currency: s.currency,
  marketCap: wireDecimal(s.marketCap, 2),
  peRatio: wireDecimal(s.peRatio, 4),
  lastPrice: wireDecimal(s.lastPrice),
  change1dPct: wireDecimal(s.change1dPct, 4),
  volume: s.volume ?? null,
  status: s.status,
});
export type InstrumentView = ReturnType<typeof instrumentView>;
