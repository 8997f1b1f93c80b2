import { z } from 'zod';
import { positiveAmount } from '../../orders/dto/orders.dto';

export const depositBody = z.strictObject({ amount: positiveAmount });
export type DepositBody = z.infer<typeof depositBody>;
