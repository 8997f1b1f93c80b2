import { z } from 'zod';

export const calendarQuery = z
  .strictObject({
    /** Exchange dates, both included. */
    from: z.iso.date(),
    to: z.iso.date(),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'must not be before from' });
export type CalendarQuery = z.infer<typeof calendarQuery>;
