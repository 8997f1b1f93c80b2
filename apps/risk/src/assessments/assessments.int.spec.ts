import { randomUUID } from 'node:crypto';
import { AssessmentApproved, AssessmentRejected, BlacklistAdded, BlacklistRemoved, OrderFilled, OrderSubmitted, PositionChanged } from '@alphintra/contracts';
import { startRiskService, type RiskServiceFixture } from '../testing/risk-service.fixture';

const limits = { maxOrderNotional: '1000', maxPositionNotional: '1500', maxOpenOrders: 2, maxOrdersPerDay: 10, allowedSides: ['buy', 'sell'], allowedSymbols: null };

describe('risk assessments of submitted orders', () => {
  let f: RiskServiceFixture;
  const officer = randomUUID();
  const alice = randomUUID();
  const bob = randomUUID();

  const order = (userId: string, o: Partial<{ symbol: string; side: 'buy' | 'sell'; quantity: string; referencePrice: string; buyingPower: string }> = {}) => ({
    orderId: randomUUID(),
    userId,
    symbol: 'AAPL',
    side: 'buy' as const,
    type: 'limit' as const,
    quantity: '5',
    limitPrice: '100',
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
    expect(data.rules).toHaveLength(8);
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
