import { Dec, formatDecimal } from '@alphintra/money';
import type { AccountStanding } from '../accounts/account-state';

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
  /** A loss of the UTC day that halts the account (null: none). */
  dailyLossLimit: string | null;
  /** A drawdown in percent that halts the account (null: none). */
  maxDrawdownPct: string | null;
}

/** The platform's own caps on any one order, whatever an account's limits say. */
export interface PlatformCaps {
  maxOrderQuantity: string;
  maxOrderNotional: string;
}

/** An order as risk values it (the optional prices are absent on events recorded before they existed). */
export interface AssessedOrder {
  symbol: string;
  side: Side;
  quantity: string;
  limitPrice: string | null;
  referencePrice: string;
  buyingPower: string;
  worstPrice?: string;
  lastPrice?: string | null;
}

/** What risk knows when it decides on one order. */
export interface AssessmentInput {
  order: AssessedOrder;
  limits: EffectiveLimits;
  caps: PlatformCaps;
  /** The account's current signed position in the symbol (0 when none). */
  positionQuantity: string;
  /** What the account's other open sells of the symbol still have to sell. */
  openSellQuantity: string;
  /** Open orders of the account other than this one. */
  openOrders: number;
  /** Orders the account submitted on this order's UTC day, other than this one. */
  ordersToday: number;
  blacklisted: { reason: string | null } | null;
  account: AccountStanding;
}

export interface RuleOutcome {
  rule: string;
  passed: boolean;
  detail: string;
}

export const RULES = [
  'max_order_notional',
  'max_position_notional',
  'max_open_orders',
  'max_orders_per_day',
  'allowed_side',
  'allowed_symbol',
  'blacklist',
  'buying_power',
  'platform_max_order_quantity',
  'platform_max_order_notional',
  'sell_within_holdings',
  'account_state',
] as const;

const fmt = (d: Dec) => formatDecimal(d);

/**
 * The price an order is worth at: what it may cost (a buy's worst price, the price trading
 * reserved at) or what the shares are worth at the market (a sell's limit or last price,
 * whichever is higher), so a sell limited far below the market is valued at the market.
 */
export function valuationPrice(o: AssessedOrder): Dec {
  if (o.side === 'buy') return new Dec(o.worstPrice ?? o.referencePrice);
  const market = new Dec(o.lastPrice ?? o.referencePrice);
  return o.limitPrice === null ? market : Dec.max(market, o.limitPrice);
}

export const orderNotional = (o: AssessedOrder) => new Dec(o.quantity).times(valuationPrice(o));

const valued = (o: AssessedOrder) => `${o.quantity} at ${fmt(valuationPrice(o))}`;

export function maxOrderNotional(i: AssessmentInput): RuleOutcome {
  const notional = orderNotional(i.order);
  const max = new Dec(i.limits.maxOrderNotional);
  const passed = notional.lte(max);
  return { rule: 'max_order_notional', passed, detail: `order notional ${fmt(notional)} ${passed ? '<=' : 'exceeds'} max ${fmt(max)} (${valued(i.order)})` };
}

export function maxPositionNotional(i: AssessmentInput): RuleOutcome {
  const signed = new Dec(i.order.quantity).times(i.order.side === 'buy' ? 1 : -1);
  const current = new Dec(i.positionQuantity);
  const projected = current.plus(signed);
  const notional = projected.abs().times(valuationPrice(i.order));
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

export function platformMaxOrderQuantity(i: AssessmentInput): RuleOutcome {
  const quantity = new Dec(i.order.quantity);
  const max = new Dec(i.caps.maxOrderQuantity);
  const passed = quantity.lte(max);
  return { rule: 'platform_max_order_quantity', passed, detail: `quantity ${fmt(quantity)} ${passed ? '<=' : 'exceeds'} the platform's max ${fmt(max)}` };
}

export function platformMaxOrderNotional(i: AssessmentInput): RuleOutcome {
  const notional = orderNotional(i.order);
  const max = new Dec(i.caps.maxOrderNotional);
  const passed = notional.lte(max);
  return { rule: 'platform_max_order_notional', passed, detail: `order notional ${fmt(notional)} ${passed ? '<=' : 'exceeds'} the platform's max ${fmt(max)} (${valued(i.order)})` };
}

/** No short selling: a sell within the shares held less what the account's other open sells still have to sell. */
export function sellWithinHoldings(i: AssessmentInput): RuleOutcome {
  if (i.order.side === 'buy') return { rule: 'sell_within_holdings', passed: true, detail: 'buys are not limited by holdings' };
  const held = new Dec(i.positionQuantity);
  const committed = new Dec(i.openSellQuantity);
  const available = held.minus(committed);
  const quantity = new Dec(i.order.quantity);
  const passed = quantity.lte(available);
  return {
    rule: 'sell_within_holdings',
    passed,
    detail: `sell ${fmt(quantity)} ${i.order.symbol} ${passed ? 'within' : 'exceeds'} the ${fmt(Dec.max(available, 0))} available (${fmt(held)} held, ${fmt(committed)} committed to other open sells)`,
  };
}

/**
 * The account's state (risk's kill switch and loss limits): halted refuses every order,
 * reduce_only every buy (with no shorts, every buy adds to a position). A halt that asked for
 * the account to be flattened lets sells through, so the sells trading places to flatten it pass
 * (sell_within_holdings still bounds them).
 */
export function accountState(i: AssessmentInput): RuleOutcome {
  const a = i.account;
  const why = a.reason ? ` (${a.reason})` : '';
  if (a.state === 'active') return { rule: 'account_state', passed: true, detail: 'account is active' };
  if (a.state === 'reduce_only') {
    const passed = i.order.side === 'sell';
    return { rule: 'account_state', passed, detail: passed ? `account is reduce-only${why}: sells are allowed` : `account is reduce-only${why}: buys are refused` };
  }
  if (a.flatten && i.order.side === 'sell') return { rule: 'account_state', passed: true, detail: `account is halted and being flattened${why}: sells are allowed` };
  return { rule: 'account_state', passed: false, detail: `account is halted${why}: no orders are accepted` };
}

/** Every rule, always all of them, in a fixed order. */
export function evaluate(i: AssessmentInput): { rules: RuleOutcome[]; reasons: string[]; approved: boolean } {
  const rules = [
    maxOrderNotional,
    maxPositionNotional,
    maxOpenOrders,
    maxOrdersPerDay,
    allowedSide,
    allowedSymbol,
    blacklist,
    buyingPower,
    platformMaxOrderQuantity,
    platformMaxOrderNotional,
    sellWithinHoldings,
    accountState,
  ].map((r) => r(i));
  const reasons = rules.filter((r) => !r.passed).map((r) => `${r.rule}: ${r.detail}`);
  return { rules, reasons, approved: reasons.length === 0 };
}
