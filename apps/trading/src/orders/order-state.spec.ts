import { ORDER_STATUSES, isTerminal, transition, type OrderInput } from './order-state';

const INPUTS: OrderInput[] = ['risk_approved', 'risk_rejected', 'cancel', 'expire', 'fill_partial', 'fill_full', 'venue_rejected', 'venue_cancelled', 'venue_expired'];

describe('order state machine', () => {
  it.each([
    ['pending_risk', 'risk_approved', 'routed'],
    ['pending_risk', 'risk_rejected', 'rejected'],
    ['pending_risk', 'cancel', 'cancelled'],
    ['routed', 'fill_partial', 'partially_filled'],
    ['routed', 'fill_full', 'filled'],
    ['routed', 'venue_rejected', 'rejected'],
    ['routed', 'venue_cancelled', 'cancelled'],
    ['routed', 'cancel', 'cancel_requested'],
    ['partially_filled', 'fill_partial', 'partially_filled'],
    ['partially_filled', 'fill_full', 'filled'],
    ['partially_filled', 'cancel', 'cancel_requested'],
    ['partially_filled', 'venue_cancelled', 'cancelled'],
    ['cancel_requested', 'fill_partial', 'cancel_requested'],
    ['cancel_requested', 'fill_full', 'filled'],
    ['cancel_requested', 'venue_cancelled', 'cancelled'],
    ['pending_risk', 'expire', 'expired'],
    ['routed', 'expire', 'cancel_requested'],
    ['partially_filled', 'expire', 'cancel_requested'],
    ['cancel_requested', 'venue_expired', 'expired'],
    ['routed', 'venue_expired', 'expired'],
  ] as const)('%s --%s--> %s', (from, input, to) => {
    expect(transition(from, input)).toEqual({ ok: true, from, to });
  });

  it.each([
    ['pending_risk', 'fill_full'],
    ['pending_risk', 'venue_cancelled'],
    ['routed', 'risk_approved'],
    ['routed', 'risk_rejected'],
    ['cancel_requested', 'risk_approved'],
    ['cancel_requested', 'cancel'],
    ['partially_filled', 'risk_rejected'],
    ['partially_filled', 'venue_rejected'],
    ['cancel_requested', 'expire'],
  ] as const)('refuses %s --%s-->', (from, input) => {
    const t = transition(from, input);
    expect(t.ok).toBe(false);
    expect(t).toMatchObject({ reason: `${input} is not allowed in status ${from}` });
  });

  it('lets nothing leave a terminal status', () => {
    for (const from of ORDER_STATUSES.filter(isTerminal)) for (const input of INPUTS) expect(transition(from, input).ok).toBe(false);
    expect(ORDER_STATUSES.filter(isTerminal)).toEqual(['filled', 'rejected', 'cancelled', 'expired']);
  });

  it('only approves from pending_risk (an order cancelled meanwhile stays cancelled)', () => {
    expect(ORDER_STATUSES.filter((s) => transition(s, 'risk_approved').ok)).toEqual(['pending_risk']);
    expect(ORDER_STATUSES.filter((s) => transition(s, 'risk_rejected').ok)).toEqual(['pending_risk']);
  });
});
