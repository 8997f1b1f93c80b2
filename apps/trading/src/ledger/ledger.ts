import { Dec } from '@alphintra/money';
import { applyFill } from '../portfolio/position-math';

/**
 * The account ledger's pure core: the only arithmetic that moves cash or shares. Everything
 * that changes an account is an entry; applying entries either yields the new balances and one
 * activity per movement, or refuses the whole list with the invariant it would break.
 *
 * Invariants (also CHECK constraints in the database):
 *   cash ≥ 0, reservedCash ≥ 0, position quantity ≥ 0, 0 ≤ reservedShares ≤ quantity.
 * Reservations are holds, not movements: they change no activity.
 */
export interface AccountBalances {
  cash: Dec;
  reservedCash: Dec;
}

export interface PositionBalances {
  quantity: Dec;
  reservedShares: Dec;
  avgPrice: Dec;
  realizedPnl: Dec;
}

export type LedgerEntry =
  | { kind: 'deposit'; amount: Dec }
  | { kind: 'withdrawal'; amount: Dec }
  | { kind: 'reserve_cash'; amount: Dec }
  | { kind: 'release_cash'; amount: Dec }
  | { kind: 'reserve_shares'; quantity: Dec }
  | { kind: 'release_shares'; quantity: Dec }
  /** A buy pays quantity × price out of its reservation; a sell delivers reserved shares and is credited. */
  | { kind: 'fill'; side: 'buy' | 'sell'; quantity: Dec; price: Dec };

export type ActivityType = 'deposit' | 'withdrawal' | 'fill';

/** One movement of cash or shares, with what the account holds after it. */
export interface Activity {
  type: ActivityType;
  /** Signed cash movement. */
  amount: Dec;
  /** Signed share movement (fills only). */
  quantity: Dec | null;
  price: Dec | null;
  side: 'buy' | 'sell' | null;
  cashAfter: Dec;
  quantityAfter: Dec | null;
}

export class LedgerViolation extends Error {
  constructor(
    readonly invariant: 'cash_non_negative' | 'reserved_cash_non_negative' | 'position_non_negative' | 'reserved_shares_within_position' | 'positive_amount',
    detail: string,
  ) {
    super(`ledger refuses: ${invariant} (${detail})`);
  }
}

export const noPosition = (): PositionBalances => ({ quantity: new Dec(0), reservedShares: new Dec(0), avgPrice: new Dec(0), realizedPnl: new Dec(0) });

export interface LedgerResult {
  account: AccountBalances;
  position: PositionBalances;
  activities: Activity[];
}

/** Applies entries in order to one account and (for share entries) one position; all or nothing, every step within the invariants. */
export function applyLedger(account: AccountBalances, position: PositionBalances, entries: readonly LedgerEntry[]): LedgerResult {
  let a = { ...account };
  let p = { ...position };
  const activities: Activity[] = [];
  for (const e of entries) {
    const size = 'amount' in e ? e.amount : e.quantity;
    if (!size.gte(0)) throw new LedgerViolation('positive_amount', `${e.kind} of ${size.toString()}`);
    switch (e.kind) {
      case 'deposit':
        a = { ...a, cash: a.cash.plus(e.amount) };
        activities.push({ type: 'deposit', amount: e.amount, quantity: null, price: null, side: null, cashAfter: a.cash, quantityAfter: null });
        break;
      case 'withdrawal':
        a = { ...a, cash: a.cash.minus(e.amount) };
        activities.push({ type: 'withdrawal', amount: e.amount.neg(), quantity: null, price: null, side: null, cashAfter: a.cash, quantityAfter: null });
        break;
      case 'reserve_cash':
        a = { ...a, reservedCash: a.reservedCash.plus(e.amount) };
        break;
      case 'release_cash':
        a = { ...a, reservedCash: a.reservedCash.minus(e.amount) };
        break;
      case 'reserve_shares':
        p = { ...p, reservedShares: p.reservedShares.plus(e.quantity) };
        break;
      case 'release_shares':
        p = { ...p, reservedShares: p.reservedShares.minus(e.quantity) };
        break;
      case 'fill': {
        const notional = e.quantity.times(e.price);
        a = { ...a, cash: e.side === 'buy' ? a.cash.minus(notional) : a.cash.plus(notional) };
        p = { ...p, ...applyFill(p, e.side, e.quantity, e.price) };
        activities.push({
          type: 'fill',
          amount: e.side === 'buy' ? notional.neg() : notional,
          quantity: e.side === 'buy' ? e.quantity : e.quantity.neg(),
          price: e.price,
          side: e.side,
          cashAfter: a.cash,
          quantityAfter: p.quantity,
        });
        break;
      }
    }
    // after every entry: an activity's balance-after is a real balance too
    check(a, p);
  }
  return { account: a, position: p, activities };
}

function check(a: AccountBalances, p: PositionBalances): void {
  if (a.cash.lt(0)) throw new LedgerViolation('cash_non_negative', `cash would be ${a.cash.toString()}`);
  if (a.reservedCash.lt(0)) throw new LedgerViolation('reserved_cash_non_negative', `reserved cash would be ${a.reservedCash.toString()}`);
  if (p.quantity.lt(0)) throw new LedgerViolation('position_non_negative', `position would be ${p.quantity.toString()}`);
  if (p.reservedShares.lt(0) || p.reservedShares.gt(p.quantity))
    throw new LedgerViolation('reserved_shares_within_position', `${p.reservedShares.toString()} reserved of ${p.quantity.toString()} held`);
}
