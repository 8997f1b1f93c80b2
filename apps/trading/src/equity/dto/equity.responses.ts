import { z } from 'zod';
import { wire } from '@alphintra/platform-http';

/** Parallel arrays, oldest first (Alpaca's portfolio history). */
export const historyResponse = z.object({
  timeframe: z.enum(['1Min', '5Min', '1H', '1D']),
  /** The equity P&L counts from: the last point before the range, else the range's first. Null without points. */
  baseValue: wire.decimal().nullable(),
  timestamps: z.array(wire.timestamp()).describe('1Min/5Min/1H: the start of each bucket in which the equity changed; 1D: each XNYS close since the first point'),
  equity: z.array(wire.decimal()).describe('cash + Σ quantity × last price'),
  profitLoss: z.array(wire.decimal()).describe('the equity minus baseValue, less the deposits net of withdrawals since the base'),
  profitLossPct: z.array(wire.decimal()).describe('profitLoss as a percentage of baseValue plus those net deposits (4 decimals)'),
});
