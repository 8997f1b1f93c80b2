import { randomUUID } from 'node:crypto';
import { AssessmentApproved, AssessmentRejected, BlacklistAdded, BlacklistRemoved, OrderCancelled, OrderExpired, OrderFilled, OrderRejected, OrderSubmitted, PositionChanged } from '@alphintra/contracts';
import { startRiskService, type RiskServiceFixture } from '../testing/risk-service.fixture';

const limits = { maxOrderNotional: '1000', maxPositionNotional: '1500', maxOpenOrders: 2, maxOrdersPerDay: 10, allowedSides: ['buy', 'sell'], allowedSymbols: null };

describe('risk assessments of submitted orders', () => {
  let f: RiskServiceFixture;
  const officer = randomUUID();
  const alice = randomUUID();
  const bob = randomUUID();

  type OrderFields = { symbol: string; side: 'buy' | 'sell'; type: 'market' | 'limit'; quantity: string; limitPrice: string | null; referencePrice: string; buyingPower: string; worstPrice: string; lastPrice: string | null };
  const order = (userId: string, o: Partial<OrderFields> = {}) => ({
    orderId: randomUUID(),
    userId,
    symbol: 'AAPL',
    side: 'buy' as const,
    type: 'limit' as 'market' | 'limit',
    quantity: '5',
    limitPrice: '100' as string | null,
    timeInForce: 'day' as const,
    referencePrice: '100',
    buyingPower: '10000',
    submittedAt: new Date().toISOString(),
    ...o,
  });
  const submit = async (data: ReturnType<typeof order>, id?: string) => {
    await f.consumed(await f.publish(OrderSubmitted, data.orderId, data, { id }));
    return (await f.eventsFor(data.orderId))[0]!;
  };

  beforeAll(async () => {
    f = await startRiskService();
    expect((await f.api('PUT', `/api/v1/risk/limits/${alice}`, { as: officer, roles: ['compliance'], body: limits })).status).toBe(200);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('approves a normal order with every rule passed, logs it and serves the assessment', async () => {
    const o = order(alice);
    const e = await submit(o);
    expect(e.type).toBe(AssessmentApproved.type);
    expect(e.subject).toBe(o.orderId);
    const data = e.data as { rules: { rule: string; passed: boolean }[]; assessmentId: string };
    expect(data.rules).toHaveLength(12);
    expect(data.rules.every((r) => r.passed)).toBe(true);

    const mine = await f.api('GET', `/api/v1/risk/assessments?orderId=${o.orderId}`, { as: alice });
    expect(mine.body.items).toEqual([expect.objectContaining({ id: data.assessmentId, orderId: o.orderId, decision: 'approved', reasons: [] })]);
    expect((await f.api('GET', `/api/v1/risk/assessments?orderId=${o.orderId}`, { as: bob })).body.items).toEqual([]);
    expect((await f.api('GET', `/api/v1/risk/assessments?orderId=${o.orderId}`, { as: officer, roles: ['compliance'] })).body.items).toHaveLength(1);
    const [entry] = await f.sql<{ kind: string }>(`select "kind" from "risk_data"."compliance_log" where "subject" = ?`, [o.orderId]);
    expect(entry).toEqual({ kind: 'risk.assessment.approved' });
  });

  it('rejects an order over the max order notional, naming the rule', async () => {
    const e = await submit(order(alice, { quantity: '10.5' }));
    expect(e.type).toBe(AssessmentRejected.type);
    expect((e.data as { reasons: string[] }).reasons).toEqual([expect.stringMatching(/^max_order_notional: order notional 1050 exceeds max 1000/)]);
  });

  it('values a buy at its worst price and a sell at the market, not at a limit far below it', async () => {
    const erin = randomUUID();
    await f.api('PUT', `/api/v1/risk/limits/${erin}`, { as: officer, roles: ['admin'], body: { ...limits, maxPositionNotional: '1000000000' } });
    // 10 x 100 at the reference price, but trading reserved at 101: worth 1010.
    const buy = await submit(order(erin, { type: 'market', limitPrice: null, quantity: '10', referencePrice: '100', worstPrice: '101', lastPrice: '100' }));
    expect((buy.data as { reasons: string[] }).reasons).toEqual(['max_order_notional: order notional 1010 exceeds max 1000 (10 at 101)']);

    await f.consumed(await f.publish(PositionChanged, `${erin}:AAPL`, { userId: erin, symbol: 'AAPL', quantity: '1000000000000', avgPrice: '10', realizedPnl: '0', changedAt: new Date().toISOString() }));
    const dump = order(erin, { side: 'sell', quantity: '1000000000000', limitPrice: '0.00000001', referencePrice: '0.00000001', worstPrice: '0.00000001', lastPrice: '10' });
    const e = await submit(dump);
    expect(e.type).toBe(AssessmentRejected.type);
    expect((e.data as { reasons: string[] }).reasons).toEqual([
      'max_order_notional: order notional 10000000000000 exceeds max 1000 (1000000000000 at 10)',
      "platform_max_order_quantity: quantity 1000000000000 exceeds the platform's max 1000000",
      "platform_max_order_notional: order notional 10000000000000 exceeds the platform's max 10000000 (1000000000000 at 10)",
    ]);
    const [entry] = await f.sql<{ payload: { valuationPrice: string } }>(`select "payload" from "risk_data"."compliance_log" where "subject" = ?`, [dump.orderId]);
    expect(entry!.payload.valuationPrice).toBe('10');
  });

  it('applies the platform caps to an account whose own limits are higher', async () => {
    const whale = randomUUID();
    await f.api('PUT', `/api/v1/risk/limits/${whale}`, { as: officer, roles: ['admin'], body: { ...limits, maxOrderNotional: '100000000000', maxPositionNotional: '100000000000' } });
    const many = await submit(order(whale, { quantity: '1000001', limitPrice: '0.01', referencePrice: '0.01', worstPrice: '0.01', buyingPower: '1' }));
    expect((many.data as { reasons: string[] }).reasons).toEqual(["platform_max_order_quantity: quantity 1000001 exceeds the platform's max 1000000"]);
    const rich = await submit(order(whale, { quantity: '1000', limitPrice: '10000.01', referencePrice: '10000.01', worstPrice: '10000.01', buyingPower: '1' }));
    expect((rich.data as { reasons: string[] }).reasons).toEqual([expect.stringMatching(/^platform_max_order_notional: order notional 10000010 exceeds the platform's max 10000000/)]);
    expect((await submit(order(whale, { quantity: '1000000', limitPrice: '10', referencePrice: '10', worstPrice: '10', buyingPower: '1' }))).type).toBe(AssessmentApproved.type);
  });

  it('rejects a blacklisted symbol once marketdata says so, and approves again after removal', async () => {
    await f.consumed(await f.publish(BlacklistAdded, 'BADCO', { symbol: 'BADCO', reason: 'sanctioned' }));
    const e = await submit(order(bob, { symbol: 'BADCO' }));
    expect(e.type).toBe(AssessmentRejected.type);
    expect((e.data as { reasons: string[] }).reasons).toEqual(['blacklist: BADCO is blacklisted: sanctioned']);
    await f.consumed(await f.publish(BlacklistRemoved, 'BADCO', { symbol: 'BADCO' }));
    expect((await submit(order(bob, { symbol: 'BADCO' }))).type).toBe(AssessmentApproved.type);
  });

  it('checks the position after the order against exposure from trading.position.changed', async () => {
    const carol = randomUUID();
    await f.api('PUT', `/api/v1/risk/limits/${carol}`, { as: officer, roles: ['admin'], body: limits });
    await f.consumed(await f.publish(PositionChanged, `${carol}:MSFT`, { userId: carol, symbol: 'MSFT', quantity: '12', avgPrice: '90', realizedPnl: '0', changedAt: new Date().toISOString() }));
    const e = await submit(order(carol, { symbol: 'MSFT', quantity: '4' })); // 16 x 100 > 1500
    expect(e.type).toBe(AssessmentRejected.type);
    expect((e.data as { reasons: string[] }).reasons).toEqual([expect.stringMatching(/^max_position_notional:/)]);
    expect((await submit(order(carol, { symbol: 'MSFT', side: 'sell', quantity: '4' }))).type).toBe(AssessmentApproved.type);
  });

  it('counts open orders until a terminal event closes one', async () => {
    const dave = randomUUID();
    await f.api('PUT', `/api/v1/risk/limits/${dave}`, { as: officer, roles: ['admin'], body: limits });
    const first = order(dave);
    expect((await submit(first)).type).toBe(AssessmentApproved.type);
    expect((await submit(order(dave))).type).toBe(AssessmentApproved.type);
    const third = await submit(order(dave));
    expect((third.data as { reasons: string[] }).reasons).toEqual([expect.stringMatching(/^max_open_orders:/)]);
    await f.consumed(
      await f.publish(OrderFilled, first.orderId, { orderId: first.orderId, userId: dave, symbol: 'AAPL', side: 'buy', quantity: '5', avgFillPrice: '100', filledAt: new Date().toISOString() }),
    );
    expect((await submit(order(dave))).type).toBe(AssessmentApproved.type);
  });

  it('refuses a sell beyond the shares held less what other open sells still have to sell, as fills and closes come in', async () => {
    const frank = randomUUID();
    await f.api('PUT', `/api/v1/risk/limits/${frank}`, { as: officer, roles: ['admin'], body: { ...limits, maxOpenOrders: 50, maxOrdersPerDay: 50 } });
    const sell = (quantity: string) => order(frank, { symbol: 'NVDA', side: 'sell', quantity, limitPrice: '10', referencePrice: '10', lastPrice: '10' });
    const position = async (quantity: string, fill?: { orderId: string; fillQuantity: string }) =>
      f.consumed(
        await f.publish(PositionChanged, `${frank}:NVDA`, { userId: frank, symbol: 'NVDA', quantity, avgPrice: '10', realizedPnl: '0', changedAt: new Date().toISOString(), ...fill }),
      );
    const reasons = (e: { data: unknown }) => (e.data as { reasons?: string[] }).reasons ?? [];

    expect(reasons(await submit(sell('1')))).toEqual(['sell_within_holdings: sell 1 NVDA exceeds the 0 available (0 held, 0 committed to other open sells)']);
    await position('10');
    const first = sell('6');
    expect((await submit(first)).type).toBe(AssessmentApproved.type);
    expect(reasons(await submit(sell('4.00000001')))).toEqual([
      'sell_within_holdings: sell 4.00000001 NVDA exceeds the 4 available (10 held, 6 committed to other open sells)',
    ]);
    // A partial fill of the first sell: 2 shares fewer held, 2 fewer still to sell.
    await position('8', { orderId: first.orderId, fillQuantity: '2' });
    expect(await f.sql(`select "filled_quantity"::text as f, "side", "symbol" from "risk_data"."order_track" where "order_id" = ?`, [first.orderId])).toEqual([
      { f: '2.00000000', side: 'sell', symbol: 'NVDA' },
    ]);
    expect(reasons(await submit(sell('4.5')))).toEqual([expect.stringContaining('exceeds the 4 available (8 held, 4 committed to other open sells)')]);
    const second = sell('4');
    expect((await submit(second)).type).toBe(AssessmentApproved.type);

    // Cancelled and expired orders stop counting; a rejected one never counted.
    await f.consumed(await f.publish(OrderCancelled, first.orderId, { orderId: first.orderId, userId: frank, symbol: 'NVDA', filledQuantity: '2', cancelledAt: new Date().toISOString() }));
    expect(reasons(await submit(sell('4.1')))).toEqual([expect.stringContaining('exceeds the 4 available (8 held, 4 committed to other open sells)')]);
    await f.consumed(await f.publish(OrderExpired, second.orderId, { orderId: second.orderId, userId: frank, symbol: 'NVDA', filledQuantity: '0', expiredAt: new Date().toISOString() }));
    const third = sell('8');
    expect((await submit(third)).type).toBe(AssessmentApproved.type);
    await f.consumed(await f.publish(OrderRejected, third.orderId, { orderId: third.orderId, userId: frank, symbol: 'NVDA', reasons: ['venue'], rejectedAt: new Date().toISOString() }));
    expect((await submit(sell('8'))).type).toBe(AssessmentApproved.type);
    expect(await f.sql(`select "closed_by" from "risk_data"."order_track" where "order_id" in (?, ?, ?) order by "closed_by"`, [first.orderId, second.orderId, third.orderId])).toEqual([
      { closed_by: 'trading.order.cancelled' },
      { closed_by: 'trading.order.expired' },
      { closed_by: 'trading.order.rejected' },
    ]);
    // Buys are not limited by holdings.
    expect((await submit(order(frank, { symbol: 'NVDA', quantity: '1' }))).type).toBe(AssessmentApproved.type);
  });

  it('rejects a buy whose buying power went negative', async () => {
    const e = await submit(order(bob, { buyingPower: '-0.01' }));
    expect((e.data as { reasons: string[] }).reasons).toEqual([expect.stringMatching(/^buying_power:/)]);
  });

  it('has no second effect when the same event is delivered again', async () => {
    const o = order(alice, { quantity: '1' });
    const id = randomUUID();
    await submit(o, id);
    const counts = () => f.sql<{ a: string; l: string; o: string }>(
      `select (select count(*) from "risk_data"."risk_assessment")::text as a, (select count(*) from "risk_data"."compliance_log")::text as l, (select count(*) from "risk_data"."outbox")::text as o`,
    );
    const before = await counts();
    await f.publish(OrderSubmitted, o.orderId, o, { id });
    // A later event on the same key is consumed after the duplicate.
    const marker = order(alice, { quantity: '1' });
    await f.consumed(await f.publish(OrderSubmitted, o.orderId, marker));
    await new Promise((r) => setTimeout(r, 300));
    const after = await counts();
    expect(Number(after[0]!.a)).toBe(Number(before[0]!.a) + 1);
    expect(Number(after[0]!.l)).toBe(Number(before[0]!.l) + 1);
    expect(await f.sql(`select 1 from "risk_data"."risk_assessment" where "order_id" = ?`, [o.orderId])).toHaveLength(1);
    expect(f.assessmentEvents.filter((e) => (e.data as { orderId: string }).orderId === o.orderId)).toHaveLength(1);
  });
});

describe('risk limits', () => {
  let f: RiskServiceFixture;
  const officer = randomUUID();
  const trader = randomUUID();

  beforeAll(async () => {
    f = await startRiskService({ RISK_DEFAULT_MAX_ORDER_NOTIONAL: '25000.5' });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('answers the defaults for an account without limits of its own', async () => {
    const a = await f.api('GET', '/api/v1/risk/limits', { as: trader });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ userId: trader, maxOrderNotional: '25000.5', source: 'default', allowedSides: ['buy', 'sell'], allowedSymbols: null });
  });

  it('lets compliance replace an account\'s limits, logged in the same transaction', async () => {
    const body = { ...limits, allowedSides: ['sell'], allowedSymbols: ['AAPL', 'NULL'] };
    const a = await f.api('PUT', `/api/v1/risk/limits/${trader}`, { as: officer, roles: ['compliance'], body });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ ...body, source: 'account', updatedBy: officer });
    expect((await f.api('GET', '/api/v1/risk/limits', { as: trader })).body).toMatchObject({ allowedSymbols: ['AAPL', 'NULL'], source: 'account' });
    const log = await f.api('GET', '/api/v1/compliance/logs', { as: officer, roles: ['compliance'] });
    expect(log.body.items).toEqual([
      expect.objectContaining({ actor: officer, kind: 'risk.limits.changed', subject: trader, payload: expect.objectContaining({ before: expect.objectContaining({ source: 'default' }) }) }),
    ]);
  });

  it('forbids a trader to change limits, changing nothing', async () => {
    const before = await f.snapshot();
    const a = await f.api('PUT', `/api/v1/risk/limits/${trader}`, { as: trader, body: { ...limits, maxOrderNotional: '99999999' } });
    expect(a.status).toBe(403);
    expect(await f.snapshot()).toEqual(before);
  });

  it.each([
    ['userId', 'not-a-uuid', limits],
    ['maxOrderNotional', randomUUID(), { ...limits, maxOrderNotional: 1000 }],
    ['maxOrderNotional', randomUUID(), { ...limits, maxOrderNotional: '-5' }],
    ['maxPositionNotional', randomUUID(), { ...limits, maxPositionNotional: '1e5' }],
    ['maxOpenOrders', randomUUID(), { ...limits, maxOpenOrders: 0 }],
    ['maxOrdersPerDay', randomUUID(), { ...limits, maxOrdersPerDay: 1.5 }],
    ['allowedSides', randomUUID(), { ...limits, allowedSides: [] }],
    ['allowedSides.0', randomUUID(), { ...limits, allowedSides: ['short'] }],
    ['allowedSymbols.0', randomUUID(), { ...limits, allowedSymbols: ['aapl'] }],
    ['extra', randomUUID(), { ...limits, extra: 1 }],
  ])('refuses a bad %s with 400 naming it, changing nothing', async (field, userId, body) => {
    const before = await f.snapshot();
    const a = await f.api('PUT', `/api/v1/risk/limits/${userId}`, { as: officer, roles: ['compliance'], body });
    expect(a.status).toBe(400);
    expect(JSON.stringify(a.body.errors)).toContain(field);
    expect(await f.snapshot()).toEqual(before);
  });

  it('refuses bad assessment queries with 400 naming the field', async () => {
    for (const [q, field] of [
      ['orderId=nope', 'orderId'],
      ['limit=abc', 'limit'],
      ['cursor=1', 'cursor'],
    ]) {
      const a = await f.api('GET', `/api/v1/risk/assessments?${q}`, { as: trader });
      expect(a.status).toBe(400);
      expect(a.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
  });
});
