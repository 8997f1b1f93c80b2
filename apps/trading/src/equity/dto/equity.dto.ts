import { z } from 'zod';

/** Timeframes served from the 1-minute points (kept about a month), and the daily one (kept forever). */
export const INTRADAY = ['1Min', '5Min', '1H'] as const;
export const PERIODS = ['1D', '1W', '1M', '1Y', 'all'] as const;
export type Period = (typeof PERIODS)[number];
export type Timeframe = (typeof INTRADAY)[number] | '1D';

export const historyQuery = z
  .strictObject({
    period: z.enum(PERIODS).optional().describe('the span ending at `to` (default 1M unless from is given); all: since the first point'),
    timeframe: z.enum([...INTRADAY, '1D']).optional().describe('default: 1Min for 1D, 5Min for 1W, 1H for 1M, 1D for 1Y and all; 1Min, 5Min and 1H span at most 31 days'),
    from: z.iso.datetime({ offset: true }).optional().describe('the start, instead of a period (1D: at most a year before to)'),
    to: z.iso.datetime({ offset: true }).optional().describe('the end (default now)'),
  })
  .superRefine((q, ctx) => {
    if (q.period && q.from) ctx.addIssue({ code: 'custom', path: ['from'], message: 'give period or from, not both' });
    if (q.from && q.to && Date.parse(q.from) > Date.parse(q.to)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    if (q.timeframe && q.timeframe !== '1D' && (q.period === '1Y' || q.period === 'all'))
      ctx.addIssue({ code: 'custom', path: ['timeframe'], message: `${q.timeframe} covers at most a month: use 1D for ${q.period}` });
  });
export type HistoryQuery = z.infer<typeof historyQuery>;
