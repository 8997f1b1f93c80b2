import { z } from 'zod';
import { timeframe } from '@alphintra/contracts';
import { limitParam } from '../../common/page';

const isoDate = z.iso.date();
const instant = z.union([isoDate, z.iso.datetime({ offset: true })]);
const isDate = (v: string | undefined) => v === undefined || isoDate.safeParse(v).success;

/** 1D (the default) takes dates as before; intraday timeframes take dates (whole UTC days) or times. */
export const barsQuery = z
  .object({
    timeframe: timeframe.default('1D'),
    from: instant.optional(),
    to: instant.optional(),
    limit: limitParam(5000, 500),
    cursor: instant.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.timeframe === '1D') {
      for (const k of ['from', 'to', 'cursor'] as const) if (!isDate(q[k])) ctx.addIssue({ code: 'custom', path: [k], message: 'must be a date for timeframe 1D' });
    }
    if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after to' });
  });
export type BarsQuery = z.infer<typeof barsQuery>;
