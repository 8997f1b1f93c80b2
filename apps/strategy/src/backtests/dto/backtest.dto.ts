import { z } from 'zod';
import { symbol } from '@alphintra/contracts';
import { columnDecimal } from '../../common/decimal';

const isoDate = z.iso.date();

export const createBacktestBody = z
  .object({
    strategyId: z.uuid(),
    symbols: z.array(symbol).min(1).max(50),
    from: isoDate,
    to: isoDate,
    initialCapital: columnDecimal(24, 6, { min: 'positive' }),
    commissionBps: columnDecimal(10, 4, { min: 'non-negative' }).default('0'),
    slippageBps: columnDecimal(10, 4, { min: 'non-negative' }).default('0'),
    executionId: z.uuid().optional(),
  })
  .strict()
  .refine((b) => b.from <= b.to, { path: ['to'], message: 'must not be before from' })
  .refine((b) => new Set(b.symbols).size === b.symbols.length, { path: ['symbols'], message: 'must not repeat a symbol' });
export type CreateBacktestBody = z.infer<typeof createBacktestBody>;

export const backtestParams = z.object({ id: z.uuid() });
export type BacktestParams = z.infer<typeof backtestParams>;
