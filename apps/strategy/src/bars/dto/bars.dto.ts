import { z } from 'zod';
import { limitParam } from '../../common/page';

const isoDate = z.iso.date();

export const barsQuery = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    limit: limitParam(5000, 500),
    cursor: isoDate.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['from'], message: 'must not be after to' });
export type BarsQuery = z.infer<typeof barsQuery>;
