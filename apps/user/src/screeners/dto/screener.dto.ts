import { z } from 'zod';
import { decimalString } from '@alphintra/contracts';
import { Dec, isDecimalString } from '@alphintra/money';
import type { Screener, ScreenerCategoricalFilter, ScreenerNumericFilter } from '../screener.entity';

const bound = decimalString.max(40);

const numericFilter = z
  .strictObject({ filterId: z.uuid(), min: bound.optional(), max: bound.optional() })
  .refine((f) => f.min === undefined || f.max === undefined || !isDecimalString(f.min) || !isDecimalString(f.max) || new Dec(f.min).lte(f.max), { message: 'must not exceed max', path: ['min'] });

const categoricalFilter = z.strictObject({
  filterId: z.uuid(),
  values: z.array(z.string().trim().min(1).max(200)).min(1).max(100),
});

const noRepeatedFilter = (list: 'numeric' | 'categorical', filters: { filterId: string }[], ctx: z.RefinementCtx) => {
  filters.forEach((f, i) => {
    if (filters.findIndex((g) => g.filterId === f.filterId) < i) ctx.addIssue({ code: 'custom', path: [list, i, 'filterId'], message: 'is already used in this screener' });
  });
};

export const screenerBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    numeric: z.array(numericFilter).max(50).default([]),
    categorical: z.array(categoricalFilter).max(50).default([]),
  })
  .superRefine((b, ctx) => {
    if (b.numeric.length + b.categorical.length === 0) ctx.addIssue({ code: 'custom', path: ['numeric'], message: 'a screener needs at least one numeric or categorical filter' });
    noRepeatedFilter('numeric', b.numeric, ctx);
    noRepeatedFilter('categorical', b.categorical, ctx);
  });
export type ScreenerBody = z.infer<typeof screenerBody>;

export const screenerParams = z.object({ id: z.uuid() });

/** The screen strategy runs: the stored filters, bounds omitted where none was given. */
export const screenOf = (numeric: ScreenerNumericFilter[], categorical: ScreenerCategoricalFilter[]) => ({
  numeric: numeric.map((f) => ({ filterId: f.numericFilterId, ...(f.min != null && { min: f.min }), ...(f.max != null && { max: f.max }) })),
  categorical: categorical.map((f) => ({ filterId: f.categoricalFilterId, values: f.values })),
});

export const screenerView = (s: Screener, numeric: ScreenerNumericFilter[], categorical: ScreenerCategoricalFilter[]) => ({
  id: s.id,
  name: s.name,
  numeric: numeric.map((f) => ({ filterId: f.numericFilterId, min: f.min ?? null, max: f.max ?? null })),
  categorical: categorical.map((f) => ({ filterId: f.categoricalFilterId, values: f.values })),
  disabled: s.disabledReason != null,
  disabledReason: s.disabledReason ?? null,
  createdAt: s.createdAt.toISOString(),
});

/** Strategy's answer to a screen run; instruments pass through as strategy describes them. */
export const screenAnswer = z.object({ items: z.array(z.looseObject({ symbol: z.string() })) });
