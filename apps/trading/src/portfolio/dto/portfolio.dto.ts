import { z } from 'zod';
import { pageQuery } from '@alphintra/platform-http';
import { positiveAmount } from '../../orders/dto/orders.dto';

export const depositBody = z.strictObject({ amount: positiveAmount });
export type DepositBody = z.infer<typeof depositBody>;

export const activitiesQuery = pageQuery
  .extend({ type: z.enum(['fill', 'deposit', 'withdrawal']).optional(), after: z.iso.datetime({ offset: true }).optional(), until: z.iso.datetime({ offset: true }).optional() })
  .strict();
export type ActivitiesQuery = z.infer<typeof activitiesQuery>;
