import fc from 'fast-check';
import { Dec } from '@alphintra/money';
import {
  accountState,
  allowedSide,
  allowedSymbol,
  blacklist,
  buyingPower,
  evaluate,
  maxOpenOrders,
  maxOrderNotional,
  maxOrdersPerDay,
  maxPositionNotional,
  orderNotional,
  platformMaxOrderNotional,
  platformMaxOrderQuantity,
  RULES,
  sellWithinHoldings,
  valuationPrice,
  type AssessmentInput,
} from './rules';

const input = (o: Partial<AssessmentInput['order']> = {}, rest: Partial<Omit<AssessmentInput, 'order'>> = {}): AssessmentInput => ({
  order: { symbol: 'AAPL', side: 'buy', quantity: '10', limitPrice: null, referencePrice: '100', buyingPower: '5000', ...o },
  limits: { maxOrderNotional: '1000', maxPositionNotional: '3000', maxOpenOrders: 3, maxOrdersPerDay: 5, allowedSides: ['buy', 'sell'], allowedSymbols: null, dailyLossLimit: null, maxDrawdownPct: null },
  caps: { maxOrderQuantity: '1000000', maxOrderNotional: '10000000' },
  positionQuantity: '0',
  openSellQuantity: '0',
  openOrders: 0,
  ordersToday: 0,
  blacklisted: null,
  account: { state: 'active', reason: null, flatten: false },
  ...rest,
});

describe('risk rules', () => {
  it('max order notional: quantity x valuation price in exact decimals, the limit itself allowed', () => {
    expect(maxOrderNotional(input())).toMatchObject({ passed: true, detail: 'order notional 1000 <= max 1000 (10 at 100)' });
    expect(maxOrderNotional(input({ quantity: '10.00000001' }))).toMatchObject({ passed: false, detail: 'order notional 1000.000001 exceeds max 1000 (10.00000001 at 100)' });
    // 0.1 x 0.2 is 0.02 exactly, not 0.020000000000000004
    expect(maxOrderNotional(input({ quantity: '0.1', referencePrice: '0.2' }, { limits: { ...input().limits, maxOrderNotional: '0.02' } })).passed).toBe(true);
  });

  it('values a buy at its worst price (the reservation), falling back to the reference price', () => {
    expect(valuationPrice(input({ worstPrice: '101' }).order)).toEqual(new Dec(101));
    expect(valuationPrice(input().order)).toEqual(new Dec(100));
    expect(maxOrderNotional(input({ worstPrice: '101' })).passed).toBe(false);
  });

  it('values a sell at the higher of its limit and the last price: a sell limited far below the market is worth the market (defect 3)', () => {
    const sell = { side: 'sell' as const, type: 'limit', quantity: '1000000000000', limitPrice: '0.00000001', referencePrice: '0.00000001', lastPrice: '10' };
    expect(valuationPrice(input(sell).order)).toEqual(new Dec(10));
    expect(orderNotional(input(sell).order)).toEqual(new Dec('10000000000000'));
    expect(valuationPrice(input({ ...sell, lastPrice: null }).order)).toEqual(new Dec('0.00000001')); // no last price: the reference price
    expect(valuationPrice(input({ side: 'sell', limitPrice: '120', lastPrice: '100' }).order)).toEqual(new Dec(120));
    expect(valuationPrice(input({ side: 'sell', referencePrice: '99' }).order)).toEqual(new Dec(99)); // an older event: no last price at all
    const outcome = evaluate(input(sell, { positionQuantity: '1000000000000' }));
    expect(outcome.reasons.map((r) => r.split(':')[0])).toEqual(['max_order_notional', 'platform_max_order_quantity', 'platform_max_order_notional']);
  });

  it('max position notional: the position after the order, at the valuation price', () => {
    expect(maxPositionNotional(input({}, { positionQuantity: '20' })).passed).toBe(true); // 30 x 100 = 3000
    expect(maxPositionNotional(input({}, { positionQuantity: '20.5' }))).toMatchObject({ passed: false, rule: 'max_position_notional' });
    expect(maxPositionNotional(input({ worstPrice: '101' }, { positionQuantity: '20' })).passed).toBe(false); // 30 x 101
    expect(maxPositionNotional(input({ side: 'sell' }, { positionQuantity: '-25' })).passed).toBe(false); // short 35 x 100
    // reducing a position that is already over the limit is allowed
    expect(maxPositionNotional(input({ side: 'sell' }, { positionQuantity: '50' })).passed).toBe(true);
  });

  it('max open orders and orders per day count this order too', () => {
    expect(maxOpenOrders(input({}, { openOrders: 2 })).passed).toBe(true);
    expect(maxOpenOrders(input({}, { openOrders: 3 })).passed).toBe(false);
    expect(maxOrdersPerDay(input({}, { ordersToday: 4 })).passed).toBe(true);
    expect(maxOrdersPerDay(input({}, { ordersToday: 5 })).passed).toBe(false);
  });

  it('allowed sides and instruments', () => {
    const limits = { ...input().limits, allowedSides: ['sell' as const], allowedSymbols: ['MSFT'] };
    expect(allowedSide(input({}, { limits })).passed).toBe(false);
    expect(allowedSide(input({ side: 'sell' }, { limits })).passed).toBe(true);
    expect(allowedSymbol(input({}, { limits })).passed).toBe(false);
    expect(allowedSymbol(input({ symbol: 'MSFT' }, { limits })).passed).toBe(true);
    expect(allowedSymbol(input()).passed).toBe(true);
  });

  it('blacklist and buying power', () => {
    expect(blacklist(input({}, { blacklisted: { reason: 'sanctions' } }))).toEqual({ rule: 'blacklist', passed: false, detail: 'AAPL is blacklisted: sanctions' });
    expect(buyingPower(input({ buyingPower: '0' })).passed).toBe(true);
    expect(buyingPower(input({ buyingPower: '-0.01' })).passed).toBe(false);
    expect(buyingPower(input({ side: 'sell', buyingPower: '-5' })).passed).toBe(true);
  });

  it('platform caps hold whatever the account limits say', () => {
    const generous = { ...input().limits, maxOrderNotional: '1e29', maxPositionNotional: '1e29' };
    expect(platformMaxOrderQuantity(input({ quantity: '1000000' }))).toMatchObject({ passed: true, detail: "quantity 1000000 <= the platform's max 1000000" });
    expect(platformMaxOrderQuantity(input({ quantity: '1000000.00000001' }, { limits: generous })).passed).toBe(false);
    expect(platformMaxOrderNotional(input({ quantity: '100000', worstPrice: '100.00000001' }, { limits: generous }))).toMatchObject({
      passed: false,
      detail: "order notional 10000000.001 exceeds the platform's max 10000000 (100000 at 100.00000001)",
    });
  });

  it('no short selling: a sell within the shares held less the other open sells', () => {
    expect(sellWithinHoldings(input({ side: 'sell' }, { positionQuantity: '15', openSellQuantity: '5' }))).toEqual({
      rule: 'sell_within_holdings',
      passed: true,
      detail: 'sell 10 AAPL within the 10 available (15 held, 5 committed to other open sells)',
    });
    expect(sellWithinHoldings(input({ side: 'sell' }, { positionQuantity: '15', openSellQuantity: '5.5' })).passed).toBe(false);
    expect(sellWithinHoldings(input({ side: 'sell' }))).toMatchObject({ passed: false, detail: 'sell 10 AAPL exceeds the 0 available (0 held, 0 committed to other open sells)' });
    expect(sellWithinHoldings(input({}, { positionQuantity: '0' })).passed).toBe(true);
  });

  it('account state: halted refuses every order, reduce_only every buy, a halt that flattens lets sells through', () => {
    const halted = { state: 'halted' as const, reason: 'kill switch', flatten: false };
    expect(accountState(input())).toEqual({ rule: 'account_state', passed: true, detail: 'account is active' });
    expect(accountState(input({}, { account: halted }))).toEqual({ rule: 'account_state', passed: false, detail: 'account is halted (kill switch): no orders are accepted' });
    expect(accountState(input({ side: 'sell' }, { account: halted })).passed).toBe(false);
    expect(accountState(input({ side: 'sell' }, { account: { ...halted, flatten: true } }))).toMatchObject({ passed: true, detail: 'account is halted and being flattened (kill switch): sells are allowed' });
    expect(accountState(input({}, { account: { ...halted, flatten: true } })).passed).toBe(false);
    const reduceOnly = { state: 'reduce_only' as const, reason: 'cooling off', flatten: false };
    expect(accountState(input({}, { account: reduceOnly }))).toMatchObject({ passed: false, detail: 'account is reduce-only (cooling off): buys are refused' });
    expect(accountState(input({ side: 'sell' }, { account: reduceOnly }))).toMatchObject({ passed: true, detail: 'account is reduce-only (cooling off): sells are allowed' });
  });

  it('evaluates every rule and names each failed one in the reasons', () => {
    const ok = evaluate(input());
    expect(ok.approved).toBe(true);
    expect(ok.rules.map((r) => r.rule)).toEqual([...RULES]);
    const bad = evaluate(input({ quantity: '11', buyingPower: '-1' }, { blacklisted: { reason: null } }));
    expect(bad.approved).toBe(false);
    expect(bad.rules).toHaveLength(12);
    expect(bad.reasons.map((r) => r.split(':')[0])).toEqual(['max_order_notional', 'blacklist', 'buying_power']);
  });
});

describe('risk rules, for any order', () => {
  const amount = (max: number) => fc.integer({ min: 1, max }).map((n) => new Dec(n).div(10_000));
  const generous = { maxOrderNotional: '1e29', maxPositionNotional: '1e29', maxOpenOrders: 1000, maxOrdersPerDay: 1000, allowedSides: ['buy' as const, 'sell' as const], allowedSymbols: null, dailyLossLimit: null, maxDrawdownPct: null };
  const anyInput = fc
    .record({
      side: fc.constantFrom('buy' as const, 'sell' as const),
      quantity: amount(2_000_000_000),
      limit: fc.option(amount(2_000_000_000), { nil: null }),
      last: fc.option(amount(2_000_000_000), { nil: null }),
      reference: amount(2_000_000_000),
      worst: fc.option(amount(2_000_000_000), { nil: undefined }),
      held: fc.integer({ min: -1000, max: 200_000 }).map((n) => new Dec(n)),
      committed: fc.integer({ min: 0, max: 200_000 }).map((n) => new Dec(n)),
      maxQuantity: amount(2_000_000_000),
      maxNotional: amount(2_000_000_000),
    })
    .map(
      (g): AssessmentInput =>
        input(
          {
            side: g.side,
            quantity: g.quantity.toFixed(),
            limitPrice: g.limit?.toFixed() ?? null,
            lastPrice: g.last?.toFixed() ?? null,
            referencePrice: g.reference.toFixed(),
            worstPrice: g.worst?.toFixed(),
          },
          {
            limits: generous,
            caps: { maxOrderQuantity: g.maxQuantity.toFixed(), maxOrderNotional: g.maxNotional.toFixed() },
            positionQuantity: g.held.toFixed(),
            openSellQuantity: g.committed.toFixed(),
          },
        ),
    );

  it('a sell is approved only within the shares held less those committed to other open sells', () => {
    fc.assert(
      fc.property(anyInput, (i) => {
        const approved = evaluate(i).approved;
        return i.order.side === 'buy' || !approved || new Dec(i.order.quantity).lte(new Dec(i.positionQuantity).minus(i.openSellQuantity));
      }),
      { numRuns: 2000 },
    );
  });

  it("a sell's valued notional is never below quantity x last price, nor below quantity x limit", () => {
    fc.assert(
      fc.property(anyInput, (i) => {
        fc.pre(i.order.side === 'sell');
        const notional = orderNotional(i.order);
        const q = new Dec(i.order.quantity);
        return notional.gte(q.times(i.order.lastPrice ?? i.order.referencePrice)) && (i.order.limitPrice === null || notional.gte(q.times(i.order.limitPrice)));
      }),
      { numRuns: 2000 },
    );
  });

  it("a buy's valued notional is quantity x its worst price when it has one", () => {
    fc.assert(
      fc.property(anyInput, (i) => {
        fc.pre(i.order.side === 'buy' && i.order.worstPrice !== undefined);
        return orderNotional(i.order).eq(new Dec(i.order.quantity).times(i.order.worstPrice!));
      }),
    );
  });

  it('an approved order is always within the platform caps, whatever the account limits', () => {
    fc.assert(
      fc.property(anyInput, (i) => {
        if (!evaluate(i).approved) return true;
        return new Dec(i.order.quantity).lte(i.caps.maxOrderQuantity) && orderNotional(i.order).lte(i.caps.maxOrderNotional);
      }),
      { numRuns: 2000 },
    );
  });

  it('every rule is evaluated, and the reasons are exactly the failed rules', () => {
    fc.assert(
      fc.property(anyInput, (i) => {
        const o = evaluate(i);
        return o.rules.map((r) => r.rule).join() === RULES.join() && o.reasons.length === o.rules.filter((r) => !r.passed).length && o.approved === (o.reasons.length === 0);
      }),
    );
  });
});
