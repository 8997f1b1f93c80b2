/** The order lifecycle of ARCHITECTURE.md §5 as a pure function: what an input does to a status. */
export const ORDER_STATUSES = ['pending_risk', 'routed', 'partially_filled', 'filled', 'rejected', 'cancel_requested', 'cancelled', 'expired'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TERMINAL: readonly OrderStatus[] = ['filled', 'rejected', 'cancelled', 'expired'];
export const isTerminal = (s: OrderStatus): boolean => TERMINAL.includes(s);
/** Statuses in which an order still holds a reservation and may still change. */
export const OPEN: readonly OrderStatus[] = ORDER_STATUSES.filter((s) => !isTerminal(s));

/** What can happen to an order. */
export type OrderInput =
  | 'risk_approved'
  | 'risk_rejected'
  /** The owner asks to cancel (or a delisting or blacklisting does). */
  | 'cancel'
  /** A DAY order reached its session close. */
  | 'expire'
  /** A fill that leaves quantity open. */
  | 'fill_partial'
  /** A fill that completes the order. */
  | 'fill_full'
  | 'venue_rejected'
  | 'venue_cancelled'
  /** The venue cancelled what was left of an order at or after its expiry. */
  | 'venue_expired';

export type Transition = { ok: true; from: OrderStatus; to: OrderStatus } | { ok: false; from: OrderStatus; input: OrderInput; reason: string };

const TABLE: Record<OrderStatus, Partial<Record<OrderInput, OrderStatus>>> = {
  pending_risk: { risk_approved: 'routed', risk_rejected: 'rejected', cancel: 'cancelled', expire: 'expired' },
  routed: {
    fill_partial: 'partially_filled',
    fill_full: 'filled',
    venue_rejected: 'rejected',
    venue_cancelled: 'cancelled',
    venue_expired: 'expired',
    cancel: 'cancel_requested',
    expire: 'cancel_requested',
  },
  partially_filled: {
    fill_partial: 'partially_filled',
    fill_full: 'filled',
    venue_cancelled: 'cancelled',
    venue_expired: 'expired',
    cancel: 'cancel_requested',
    expire: 'cancel_requested',
  },
  // Fills may still arrive while the venue handles the cancel.
  cancel_requested: { fill_partial: 'cancel_requested', fill_full: 'filled', venue_cancelled: 'cancelled', venue_expired: 'expired', venue_rejected: 'rejected' },
  filled: {},
  rejected: {},
  cancelled: {},
  expired: {},
};

/** The next status, or why the input is illegal in this status (the caller then applies nothing). */
export function transition(from: OrderStatus, input: OrderInput): Transition {
  const to = TABLE[from][input];
  return to ? { ok: true, from, to } : { ok: false, from, input, reason: `${input} is not allowed in status ${from}` };
}
