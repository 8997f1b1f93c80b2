import { z } from 'zod';
import { decimalString } from '@alphintra/contracts';

/** What an upload of bars looks like as JSON (bar-rows.ts validates it row by row, 422 naming each bad field). */
export const barsUploadDoc = z
  .array(
    z.strictObject({
      date: z.iso.date(),
      open: decimalString,
      high: decimalString,
      low: decimalString,
      close: decimalString,
      volume: z.union([z.string().regex(/^\d+$/), z.number().int().min(0)]),
    }),
  )
  .min(1)
  .max(20_000)
  .describe('A JSON array of bars, or a text/csv file with the header date,open,high,low,close,volume');
