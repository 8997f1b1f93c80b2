import { Dec, formatDecimal } from '@alphintra/money';

export type Side = 'buy' | 'sell';

/** The limits in force for one account: its own row, or the configured defaults. */
export interface EffectiveLimits {
  maxOrderNotional: string;
  maxPositionNotional: string;
  maxOpenOrders: number;
  maxOrdersPerDay: number;
  allowedSides: Side[];
  /** null: every instrument. */
  allowedSymbols: string[] | null;
}

/** What risk knows when it decides on one order. */
export interface AssessmentInput {
  order: { symbol: string; side: Side; quantity: string; referencePrice: string; buyingPower: string };
  limits: EffectiveLimits;
  /** The account's current signed position in the symbol (0 when none). */
  positionQuantity: string;
  /** Open orders of the account other than this one. */
  openOrders: number;
  /** Orders the account submitted on this order's UTC day, other than this one. */
  ordersToday: number;
  blacklisted: { reason: string | null } | null;
}

export interface RuleOutcome {
  rule: string;
  passed: boolean;
  detail: string;
}

export const RULES = ['max_order_notional', 'max_position_notional', 'max_open_orders', 'max_orders_per_day', 'allowed_side', 'allowed_symbol', 'blacklist', 'buying_power'] as const;

const fmt = (d: Dec) => formatDecimal(d);

export function maxOrderNotional(i: AssessmentInput): RuleOutcome {
  const notional = new Dec(i.order.quantity).times(i.order.referencePrice);
  const max = new Dec(i.limits.maxOrderNotional);
  const passed = notional.lte(max);
  return { rule: 'max_order_notional', passed, detail: `order notional ${fmt(notional)} ${passed ? '<=' : 'exceeds'} max ${fmt(max)}` };
}

export function maxPositionNotional(i: AssessmentInput): RuleOutcome {
  const signed = new Dec(i.order.quantity).times(i.order.side === 'buy' ? 1 : -1);
  const current = new Dec(i.positionQuantity);
  const projected = current.plus(signed);
  const notional = projected.abs().times(i.order.referencePrice);
  const max = new Dec(i.limits.maxPositionNotional);
  // An order that shrinks the position never breaks the limit, even when the position already does.
  const passed = notional.lte(max) || projected.abs().lt(current.abs());
  return {
    rule: 'max_position_notional',
    passed,
    detail: `position ${fmt(current)} -> ${fmt(projected)} ${i.order.symbol}, notional ${fmt(notional)} ${passed ? 'within' : 'exceeds'} max ${fmt(max)}`,
  };
}

export function maxOpenOrders(i: AssessmentInput): RuleOutcome {
  const after = i.openOrders + 1;
  const passed = after <= i.limits.maxOpenOrders;
  return { rule: 'max_open_orders', passed, detail: `${after} open orders with this one ${passed ? '<=' : 'exceeds'} max ${i.limits.maxOpenOrders}` };
}

export function maxOrdersPerDay(i: AssessmentInput): RuleOutcome {
  const after = i.ordersToday + 1;
  const passed = after <= i.limits.maxOrdersPerDay;
  return { rule: 'max_orders_per_day', passed, detail: `${after} orders today with this one ${passed ? '<=' : 'exceeds'} max ${i.limits.maxOrdersPerDay}` };
}

export function allowedSide(i: AssessmentInput): RuleOutcome {
  const passed = i.limits.allowedSides.includes(i.order.side);
  return { rule: 'allowed_side', passed, detail: `side ${i.order.side} ${passed ? 'is' : 'is not'} allowed (${i.limits.allowedSides.join(', ')})` };
}

export function allowedSymbol(i: AssessmentInput): RuleOutcome {
  if (i.limits.allowedSymbols === null) return { rule: 'allowed_symbol', passed: true, detail: 'every instrument is allowed' };
  const passed = i.limits.allowedSymbols.includes(i.order.symbol);
  return { rule: 'allowed_symbol', passed, detail: `${i.order.symbol} ${passed ? 'is' : 'is not'} among the allowed instruments` };
}

export function blacklist(i: AssessmentInput): RuleOutcome {
  if (!i.blacklisted) return { rule: 'blacklist', passed: true, detail: `${i.order.symbol} is not blacklisted` };
  return { rule: 'blacklist', passed: false, detail: `${i.order.symbol} is blacklisted${i.blacklisted.reason ? `: ${i.blacklisted.reason}` : ''}` };
}

export function buyingPower(i: AssessmentInput): RuleOutcome {
  if (i.order.side === 'sell') return { rule: 'buying_power', passed: true, detail: 'sells need no buying power' };
  const bp = new Dec(i.order.buyingPower);
  const passed = bp.gte(0);
  return { rule: 'buying_power', passed, detail: `buying power after reservation ${fmt(bp)} ${passed ? '>= 0' : 'is negative'}` };
}

/** Every rule, always all of them, in a fixed order. */
export function evaluate(i: AssessmentInput): { rules: RuleOutcome[]; reasons: string[]; approved: boolean } {
  const rules = [maxOrderNotional, maxPositionNotional, maxOpenOrders, maxOrdersPerDay, allowedSide, allowedSymbol, blacklist, buyingPower].map((r) => r(i));
  const reasons = rules.filter((r) => !r.passed).map((r) => `${r.rule}: ${r.detail}`);
  return { rules, reasons, approved: reasons.length === 0 };
}
