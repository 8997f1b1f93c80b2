import { ACCOUNT_STATES, type AccountStateChanged, type EventData } from '@alphintra/contracts';
import { AccountHeldError, AccountNotHaltedError } from './accounts.errors';

export type AccountState = (typeof ACCOUNT_STATES)[number];
export type Trigger = EventData<typeof AccountStateChanged>['trigger'];

/** What the order rules need to know of an account's state. */
export interface AccountStanding {
  state: AccountState;
  reason: string | null;
  flatten: boolean;
}

/** An account's state as risk keeps it; an account never changed is active at version 0. */
export interface AccountStateRow extends AccountStanding {
  trigger: Trigger | null;
  actor: string | null;
  cancelOpenOrders: boolean;
  version: number;
  changedAt: Date | null;
  lossHaltedOn: string | null;
  drawdownEpoch: number;
}

export const ACTIVE: AccountStateRow = { state: 'active', reason: null, flatten: false, trigger: null, actor: null, cancelOpenOrders: false, version: 0, changedAt: null, lossHaltedOn: null, drawdownEpoch: 0 };

const STRICTNESS: Record<AccountState, number> = { active: 0, reduce_only: 1, halted: 2 };

/** Who asks: the account's owner (its kill switch) or compliance/admin, who may do anything. */
export type Requester = 'owner' | 'compliance';

/**
 * An owner may make their account stricter, and undo what they set themselves; a state set by
 * compliance or by a loss limit only compliance can loosen or lift.
 */
export function checkHalt(current: AccountStateRow, mode: Exclude<AccountState, 'active'>, by: Requester): void {
  if (by === 'compliance' || current.trigger === 'owner' || STRICTNESS[mode] >= STRICTNESS[current.state]) return;
  throw new AccountHeldError(current);
}

export function checkResume(current: AccountStateRow, by: Requester): void {
  if (current.state === 'active') throw new AccountNotHaltedError();
  if (by === 'owner' && current.trigger !== 'owner') throw new AccountHeldError(current);
}
