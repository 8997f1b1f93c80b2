import { z } from 'zod';
import { wire } from '@alphintra/platform-http';
import { symbolField } from '../../instruments/dto/instrument.dto';

/** Where imports are posted; the CSV parser lets bodies of this route be larger. */
export const IMPORTS_ROUTE = '/api/v1/market/imports';

export const importQuery = z.object({ symbol: symbolField.optional() });
export type ImportQuery = z.infer<typeof importQuery>;

export const importParams = z.object({ id: z.uuid() });
export type ImportParams = z.infer<typeof importParams>;

export const importBodyDoc = z
  .string()
  .describe(
    'text/csv: `date,open,high,low,close,volume` (daily bars) or `timestamp,open,high,low,close,volume` (1-minute bars; ISO time with zone or epoch seconds/ms), ' +
      'either with a `symbol` column or with `?symbol=`; columns in any order, other columns (adj close, vwap, trade_count) ignored',
  );

export const importResponse = z.object({
  id: wire.uuid(),
  status: z.enum(['storing', 'completed', 'failed']),
  timeframe: z.enum(['1D', '1Min']),
  layout: z.string(),
  symbols: z.array(z.string()),
  rowsTotal: z.number().int(),
  rowsStored: z.number().int(),
  from: z.string(),
  to: z.string(),
  error: z.string().nullable(),
  createdBy: wire.uuid(),
  createdAt: wire.timestamp(),
  updatedAt: wire.timestamp(),
  finishedAt: wire.timestamp().nullable(),
});
