import { allowedSide, allowedSymbol, blacklist, buyingPower, evaluate, maxOpenOrders, maxOrderNotional, maxOrdersPerDay, maxPositionNotional, type AssessmentInput } from './rules';

const input = (o: Partial<AssessmentInput['order']> = {}, rest: Partial<Omit<AssessmentInput, 'order'>> = {}): AssessmentInput => ({
  order: { symbol: 'AAPL', side: 'buy', quantity: '10', referencePrice: '100', buyingPower: '5000', ...o },
  limits: { maxOrderNotional: '1000', maxPositionNotional: '3000', maxOpenOrders: 3, maxOrdersPerDay: 5, allowedSides: ['buy', 'sell'], allowedSymbols: null },
  positionQuantity: '0',
  openOrders: 0,
  ordersToday: 0,
  blacklisted: null,
  ...rest,
});

describe('risk rules', () => {
  it('max order notional: quantity x reference price in exact decimals, the limit itself allowed', () => {
    expect(maxOrderNotional(input())).toMatchObject({ passed: true, detail: 'order notional 1000 <= max 1000' });
    expect(maxOrderNotional(input({ quantity: '10.00000001' }))).toMatchObject({ passed: false, detail: 'order notional 1000.000001 exceeds max 1000' });
    // 0.1 x 0.2 is 0.02 exactly, not 0.020000000000000004
    expect(maxOrderNotional(input({ quantity: '0.1', referencePrice: '0.2' }, { limits: { ...input().limits, maxOrderNotional: '0.02' } })).passed).toBe(true);
  });

  it('max position notional: the position after the order, priced at the reference price', () => {
    expect(maxPositionNotional(input({}, { positionQuantity: '20' })).passed).toBe(true); // 30 x 100 = 3000
    expect(maxPositionNotional(input({}, { positionQuantity: '20.5' }))).toMatchObject({ passed: false, rule: 'max_position_notional' });
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

  it('evaluates every rule and names each failed one in the reasons', () => {
    const ok = evaluate(input());
    expect(ok.approved).toBe(true);
    expect(ok.rules.map((r) => r.rule)).toEqual(['max_order_notional', 'max_position_notional', 'max_open_orders', 'max_orders_per_day', 'allowed_side', 'allowed_symbol', 'blacklist', 'buying_power']);
    const bad = evaluate(input({ quantity: '11', buyingPower: '-1' }, { blacklisted: { reason: null } }));
    expect(bad.approved).toBe(false);
    expect(bad.rules).toHaveLength(8);
    expect(bad.reasons.map((r) => r.split(':')[0])).toEqual(['max_order_notional', 'blacklist', 'buying_power']);
  });
});
