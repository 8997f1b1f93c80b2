import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { isoTime } from '../schemas';
import { TOPICS } from '../topics';

export const ACCOUNT_STATES = ['active', 'reduce_only', 'halted'] as const;
const accountState = z.enum(ACCOUNT_STATES);

/**
 * Risk owns an account's trading state (ARCHITECTURE 5a). Every change, whoever made it, is one
 * event keyed by the user id; trading keeps the state of the highest `version` it has seen.
 * halted: no order at all; reduce_only: no buy (there are no shorts, so every buy adds).
 */
export const AccountStateChanged = defineEvent({
  type: 'risk.account.state-changed',
  version: 1,
  topic: TOPICS.riskAccount,
  schema: z.object({
    userId: z.uuid(),
    state: accountState,
    previousState: accountState,
    /** Why, in words a trader can read; for an automatic halt, the breach with its figures. */
    reason: z.string().min(1),
    /** Who: the account's owner (kill switch), compliance/admin, or risk itself on a limit breach. */
    trigger: z.enum(['owner', 'compliance', 'daily_loss_limit', 'max_drawdown']),
    /** The user id of the person, or `risk-service` for a breach. */
    actor: z.string().min(1),
    /** Trading cancels the account's open orders (never asked by a resume). */
    cancelOpenOrders: z.boolean(),
    /** Trading closes every position of the account with market orders (never asked by a resume). */
    flatten: z.boolean(),
    /** Per account, from 1, one more at each change. */
    version: z.number().int().min(1),
    at: isoTime,
  }),
});
