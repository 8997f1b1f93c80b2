import { Dec } from '@alphintra/money';
import type { LedgerEntry } from '../ledger/ledger';
import { nextAvgFillPrice } from '../portfolio/position-math';
import { transition, type OrderInput, type OrderStatus } from './order-state';

/**
 * The order's pure core: (order, event) → the transition, the ledger entries it moves and the
 * events it publishes. The services only load, call this, persist what it says and publish.
 * Nothing here reads a clock or a database.
 */
export type OrderType = 'market' | 'limit' | 'stop' | 'stop_limit' | 'trailing_stop';

export interface OrderFacts {
  status: OrderStatus;
  side: 'buy' | 'sell';
  type: OrderType;
  submittedAt: Date;
  quantity: Dec;
  filledQuantity: Dec;
  avgFillPrice: Dec | null;
  /** A buy's reservation per share. */
  reservePrice: Dec;
  /** Never filled beyond: above it for a buy, below it for a sell (null on orders placed before it existed). */
  worstPrice: Dec | null;
  /** What the order still holds of the account: cash for a buy, shares for a sell. */
  reservedCash: Dec;
  reservedShares: Dec;
  /** The account's buying power right after this order's reservation (trading's own view at placement). */
  buyingPowerAtPlacement: Dec | null;
  expiresAt: Date | null;
}

export type OrderEvent =
  /** `maxMarketAgeMs`: a market order approved later than this after submission is not routed. */
  | { kind: 'risk_approved'; at: Date; maxMarketAgeMs: number }
  | { kind: 'risk_rejected'; reasons: string[] }
  | { kind: 'cancel'; reason: string }
  | { kind: 'expire' }
  | { kind: 'fill'; quantity: Dec; price: Dec }
  | { kind: 'venue_rejected'; reason: string }
  | { kind: 'venue_cancelled'; reason: string; at: Date };

export type Publication = 'routed' | 'rejected' | 'cancel_requested' | 'cancelled' | 'expired' | 'partially_filled' | 'filled' | 'position_changed';

export interface OrderChanges {
  filledQuantity?: Dec;
  avgFillPrice?: Dec;
  reservedCash?: Dec;
  reservedShares?: Dec;
  rejectReason?: string;
}

export type Decision =
  | { ok: true; input: OrderInput; from: OrderStatus; to: OrderStatus; reason: string | null; changes: OrderChanges; ledger: LedgerEntry[]; publish: Publication[] }
  | { ok: false; reason: string };

const refuse = (reason: string): Decision => ({ ok: false, reason });

/** Gives back everything the order still holds: every terminal status but filled ends this way. */
const releaseAll = (o: OrderFacts): { ledger: LedgerEntry[]; changes: OrderChanges } => ({
  ledger: [
    ...(o.reservedCash.gt(0) ? [{ kind: 'release_cash', amount: o.reservedCash } as const] : []),
    ...(o.reservedShares.gt(0) ? [{ kind: 'release_shares', quantity: o.reservedShares } as const] : []),
  ],
  changes: { reservedCash: new Dec(0), reservedShares: new Dec(0) },
});

function step(o: OrderFacts, input: OrderInput, reason: string | null, rest: { changes?: OrderChanges; ledger?: LedgerEntry[]; publish?: Publication[] } = {}): Decision {
  const t = transition(o.status, input);
  if (!t.ok) return refuse(t.reason);
  const ending = t.to === 'rejected' || t.to === 'cancelled' || t.to === 'expired';
  const release = ending ? releaseAll(o) : { ledger: [], changes: {} };
  return {
    ok: true,
    input,
    from: o.status,
    to: t.to,
    reason,
    changes: { ...release.changes, ...rest.changes },
    ledger: [...(rest.ledger ?? []), ...release.ledger],
    publish: rest.publish ?? [],
  };
}

/** Where a price lies against the order's worst acceptable price. */
export const withinWorst = (side: 'buy' | 'sell', price: Dec, worst: Dec | null): boolean => worst === null || (side === 'buy' ? price.lte(worst) : price.gte(worst));

export function decide(o: OrderFacts, e: OrderEvent): Decision {
  switch (e.kind) {
    case 'risk_approved': {
      // A market order fills at the price of its moment; one held up (Kafka away, say) must not fill at a later one.
      const age = e.at.getTime() - o.submittedAt.getTime();
      if (o.type === 'market' && age > e.maxMarketAgeMs)
        return step(o, 'expire', `market order not routed within ${Math.round(e.maxMarketAgeMs / 1000)} s of submission`, { publish: ['expired'] });
      // Defence in depth: trading routes no buy its own books could not pay for, whatever risk said.
      if (o.side === 'buy' && o.buyingPowerAtPlacement?.lt(0)) {
        const reason = `buying_power: ${o.buyingPowerAtPlacement.toFixed()} below 0 at placement (trading's own check)`;
        return step(o, 'risk_rejected', reason, { changes: { rejectReason: reason }, publish: ['rejected'] });
      }
      return step(o, 'risk_approved', null, { publish: ['routed'] });
    }
    case 'risk_rejected':
    case 'venue_rejected': {
      const reason = e.kind === 'risk_rejected' ? e.reasons.join('; ') : e.reason;
      return step(o, e.kind, reason, { changes: { rejectReason: reason }, publish: ['rejected'] });
    }
    case 'cancel':
      return o.status === 'pending_risk' ? step(o, 'cancel', e.reason, { publish: ['cancelled'] }) : step(o, 'cancel', e.reason, { publish: ['cancel_requested'] });
    case 'expire':
      return o.status === 'pending_risk' ? step(o, 'expire', 'day order expired', { publish: ['expired'] }) : step(o, 'expire', 'day order expired', { publish: ['cancel_requested'] });
    case 'venue_cancelled': {
      const expired = o.expiresAt !== null && e.at.getTime() >= o.expiresAt.getTime();
      return expired ? step(o, 'venue_expired', 'day order expired', { publish: ['expired'] }) : step(o, 'venue_cancelled', e.reason, { publish: ['cancelled'] });
    }
    case 'fill':
      return fill(o, e.quantity, e.price);
  }
}

function fill(o: OrderFacts, quantity: Dec, price: Dec): Decision {
  if (!quantity.gt(0) || !price.gt(0)) return refuse(`fill without a positive quantity and price (${quantity.toFixed()} @ ${price.toFixed()})`);
  const filled = o.filledQuantity.plus(quantity);
  if (filled.gt(o.quantity)) return refuse(`fill of ${quantity.toFixed()} would overfill the order (${o.filledQuantity.toFixed()} of ${o.quantity.toFixed()} filled)`);
  if (!withinWorst(o.side, price, o.worstPrice)) return refuse(`fill at ${price.toFixed()} is beyond the order's worst acceptable price ${o.worstPrice!.toFixed()}`);
  const complete = filled.eq(o.quantity);
  const changes: OrderChanges = { filledQuantity: filled, avgFillPrice: nextAvgFillPrice(o.filledQuantity, o.avgFillPrice, quantity, price) };
  const ledger: LedgerEntry[] = [{ kind: 'fill', side: o.side, quantity, price }];
  if (o.side === 'buy') {
    // A fill frees its share of the hold at the reserve price; the last one frees what is left.
    const release = complete ? o.reservedCash : Dec.min(o.reservedCash, o.reservePrice.times(quantity));
    ledger.push({ kind: 'release_cash', amount: release });
    changes.reservedCash = o.reservedCash.minus(release);
  } else {
    const release = Dec.min(o.reservedShares, quantity);
    ledger.unshift({ kind: 'release_shares', quantity: release });
    changes.reservedShares = o.reservedShares.minus(release);
  }
  return step(o, complete ? 'fill_full' : 'fill_partial', `fill ${quantity.toFixed()} @ ${price.toFixed()}`, {
    changes,
    ledger,
    publish: complete ? ['filled', 'position_changed'] : ['partially_filled', 'position_changed'],
  });
}

export interface PlacementInput {
  side: 'buy' | 'sell';
  type: OrderType;
  quantity: Dec;
  limitPrice: Dec | null;
  /** A stop's or stop_limit's trigger. */
  stopPrice?: Dec | null;
  /** A trailing stop's distance from the best price since placement: a price, or a percentage (0–100). */
  trailPrice?: Dec | null;
  trailPercent?: Dec | null;
  lastPrice: Dec | null;
  /** A market order's protection around the last price, as a fraction (0.01 = 1 %). */
  marketBuffer: Dec;
  maxQuantity: Dec;
  maxNotional: Dec;
  /** trading's own market sell closing a halted account's position (a halt with flatten). */
  flattening?: boolean;
}

export interface Holdings {
  /** risk's state of the account: halted refuses every order, reduce_only every buy. */
  state: 'active' | 'reduce_only' | 'halted';
  cash: Dec;
  reservedCash: Dec;
  quantity: Dec;
  reservedShares: Dec;
}

export type PlacementRefusal =
  | { refused: 'account_halted' }
  | { refused: 'reduce_only' }
  | { refused: 'no_price' }
  | { refused: 'trail_too_wide'; last: Dec }
  | { refused: 'quantity_cap'; max: Dec }
  | { refused: 'notional_cap'; notional: Dec; max: Dec }
  | { refused: 'sell_beyond_holdings'; available: Dec };

export interface Placement {
  referencePrice: Dec;
  reservePrice: Dec;
  worstPrice: Dec;
  reservedCash: Dec;
  reservedShares: Dec;
  /** Cash minus every reservation, this one included (may be negative: risk and the approval then reject the buy). */
  buyingPower: Dec;
  /** For a sell: the shares free before this order. */
  availableQuantity: Dec;
  ledger: LedgerEntry[];
}

/**
 * The worst price an order of its type may fill at, from what is known at placement (`last`: the
 * last price, required where the type needs it). A limit (or a stop_limit once triggered) is held
 * to its limit. Anything that fills at the market after a trigger is held to the trigger plus the
 * market buffer: a buy stop at its stop price (or the market, if the market is already past it), a
 * trailing buy at the furthest trigger its trail allows from the last price (the trigger only
 * moves towards the market). A market that gaps beyond it cancels the buy at the venue instead of
 * filling it — the reservation is never exceeded. A sell stop or trailing stop is an order to get
 * out at the market once triggered (a stop-loss that a gap cancelled would fail when it matters
 * most): it has no bound but the least price, and selling shares held can break no money invariant.
 */
/** The least price a decimal(38, 8) can say: a sell stop's worst price (no bound). */
const LEAST_PRICE = new Dec('0.00000001');

export function worstPriceOf(p: PlacementInput, last: Dec | null): Dec | 'no_price' | 'trail_too_wide' {
  const up = (d: Dec) => d.times(p.marketBuffer.plus(1)).toDecimalPlaces(8, Dec.ROUND_DOWN);
  const down = (d: Dec) => d.times(new Dec(1).minus(p.marketBuffer)).toDecimalPlaces(8, Dec.ROUND_UP);
  const buy = p.side === 'buy';
  switch (p.type) {
    case 'limit':
    case 'stop_limit':
      return p.limitPrice!;
    case 'market':
      if (!last) return 'no_price';
      return buy ? up(last) : down(last);
    case 'stop': {
      if (!buy) return LEAST_PRICE;
      return up(last ? Dec.max(p.stopPrice!, last) : p.stopPrice!);
    }
    case 'trailing_stop': {
      if (!last) return 'no_price';
      const trigger = p.trailPrice
        ? buy
          ? last.plus(p.trailPrice)
          : last.minus(p.trailPrice)
        : last.times(buy ? new Dec(100).plus(p.trailPercent!) : new Dec(100).minus(p.trailPercent!)).div(100);
      if (!trigger.gt(0)) return 'trail_too_wide';
      return buy ? up(trigger) : LEAST_PRICE;
    }
  }
}

/**
 * What placing an order holds and promises. A buy reserves quantity × its worst price (the
 * limit, or the market or trigger plus the buffer — worstPriceOf) and never fills above it; a
 * sell reserves its shares and is refused beyond what the account holds and has not committed
 * to other open sells. Orders are valued at the market: a buy at its reserve price, a sell at
 * the higher of its limit, stop and the last price, so an absurd price cannot make an order look small.
 */
export function decidePlacement(p: PlacementInput, h: Holdings): Placement | PlacementRefusal {
  if (h.state === 'halted' && !(p.flattening && p.side === 'sell')) return { refused: 'account_halted' };
  if (h.state === 'reduce_only' && p.side === 'buy') return { refused: 'reduce_only' };
  if (p.quantity.gt(p.maxQuantity)) return { refused: 'quantity_cap', max: p.maxQuantity };
  const last = p.lastPrice;
  const worst = worstPriceOf(p, last);
  if (worst === 'no_price') return { refused: 'no_price' };
  if (worst === 'trail_too_wide') return { refused: 'trail_too_wide', last: last! };
  const worstPrice = worst;
  const referencePrice = p.limitPrice ?? p.stopPrice ?? last ?? worstPrice;
  const reservePrice = p.side === 'buy' ? worstPrice : referencePrice;
  const valuation = p.side === 'buy' ? reservePrice : Dec.max(p.limitPrice ?? 0, p.stopPrice ?? 0, last ?? 0);
  const notional = p.quantity.times(valuation);
  if (notional.gt(p.maxNotional)) return { refused: 'notional_cap', notional, max: p.maxNotional };
  const availableQuantity = h.quantity.minus(h.reservedShares);
  if (p.side === 'sell' && p.quantity.gt(availableQuantity)) return { refused: 'sell_beyond_holdings', available: availableQuantity };
  const reservedCash = p.side === 'buy' ? p.quantity.times(reservePrice).toDecimalPlaces(8, Dec.ROUND_UP) : new Dec(0);
  const reservedShares = p.side === 'sell' ? p.quantity : new Dec(0);
  return {
    referencePrice,
    reservePrice,
    worstPrice,
    reservedCash,
    reservedShares,
    buyingPower: h.cash.minus(h.reservedCash).minus(reservedCash),
    availableQuantity,
    ledger: p.side === 'buy' ? [{ kind: 'reserve_cash', amount: reservedCash }] : [{ kind: 'reserve_shares', quantity: reservedShares }],
  };
}
