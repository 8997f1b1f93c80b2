import { randomUUID } from 'node:crypto';
import {
  AssessmentApproved,
  AssessmentRejected,
  ExecutionReported,
  InstrumentDelisted,
  OrderCancelled,
  OrderCancelRequested,
  OrderFilled,
  OrderPartiallyFilled,
  OrderRejected,
  OrderRouted,
  OrderSubmitted,
  PositionChanged,
  PriceUpdated,
  TOPICS,
  type EventData,
} from '@alphintra/contracts';
import { Dec } from '@alphintra/money';
import { executionReport, startTradingService, until, type TradingServiceFixture } from '../testing/trading-service.fixture';

const limitBuy = (o: Record<string, unknown> = {}) => ({ symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100', timeInForce: 'day', ...o });
const dec = (v: unknown) => new Dec(String(v));

describe('trading orders, the order saga and the portfolio', () => {
  let f: TradingServiceFixture;

  const place = (as: string, body: unknown, key: string = randomUUID()) => f.api('POST', '/api/v1/orders', { as, body, headers: { 'idempotency-key': key } });
  const account = async (userId: string) => (await f.sql<{ cash: string; reserved: string }>(`select "cash"::text, "reserved"::text from "trading_data"."account" where "user_id" = ?`, [userId]))[0];
  const approve = async (o: { id: string }, userId: string) => {
    const assessmentId = randomUUID();
    await f.consumed(await f.publish(AssessmentApproved, o.id, { assessmentId, orderId: o.id, userId, rules: [{ rule: 'buying_power', passed: true, detail: 'ok' }], assessedAt: new Date().toISOString() }));
    return assessmentId;
  };
  const report = (o: { id: string }, userId: string, r: Partial<EventData<typeof ExecutionReported>>) => executionReport({ orderId: o.id, userId }, r);
  const execute = async (r: EventData<typeof ExecutionReported>, id?: string) => f.consumed(await f.publish(ExecutionReported, r.orderId, r, { id }));
  const deposit = async (userId: string, amount: string) => expect((await f.api('POST', '/api/v1/portfolio/deposits', { as: userId, body: { amount } })).status).toBe(201);
  const order = async (userId: string, id: string) => (await f.api('GET', `/api/v1/orders/${id}`, { as: userId })).body;
  /** Everything but the inbox (a replayed event's id is new, its effect must not be). */
  const state = async () => {
    const { inbox: _inbox, ...rest } = await f.snapshot();
    return rest;
  };

  beforeAll(async () => {
    f = await startTradingService();
    await f.list('AAPL', '100');
    await f.list('MSFT');
  });
  afterAll(async () => {
    await f?.close();
  });

  describe('idempotency keys', () => {
    it('answers the same order for the same key and body (keys in any order), and 409 for another body', async () => {
      const alice = randomUUID();
      const key = randomUUID();
      const first = await place(alice, limitBuy(), key);
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({ status: 'pending_risk', symbol: 'AAPL', quantity: '10', filledQuantity: '0', avgFillPrice: null, history: [{ status: 'pending_risk' }] });
      const reordered = Object.fromEntries(Object.entries(limitBuy()).reverse());
      const again = await place(alice, reordered, key);
      expect([200, 202]).toContain(again.status);
      expect(again.body.id).toBe(first.body.id);
      const other = await place(alice, limitBuy({ quantity: '11' }), key);
      expect(other.status).toBe(409);
      expect(other.body.code).toBe('ORDER.IDEMPOTENCY_KEY_REUSED');
      expect(await f.sql(`select 1 from "trading_data"."order" where "user_id" = ?`, [alice])).toHaveLength(1);
      expect(await f.eventsOf(OrderSubmitted.type, first.body.id)).toHaveLength(1);
      // Another user's same key is another order.
      expect((await place(randomUUID(), limitBuy(), key)).body.id).not.toBe(first.body.id);
    });

    it('requires the Idempotency-Key header (400 naming it), writing nothing', async () => {
      const before = await f.snapshot();
      const r = await f.api('POST', '/api/v1/orders', { as: randomUUID(), body: limitBuy() });
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
      expect(await f.snapshot()).toEqual(before);
    });
  });

  describe('instruments', () => {
    it('answers 422 for an unknown symbol, writing nothing', async () => {
      const before = await f.snapshot();
      const r = await place(randomUUID(), limitBuy({ symbol: 'NOPE' }));
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ code: 'ORDER.UNKNOWN_SYMBOL', errors: [{ path: 'symbol' }] });
      expect(await f.snapshot()).toEqual(before);
    });

    it('keeps a real foreign key from order.symbol to the replica', async () => {
      await expect(
        f.sql(
          `insert into "trading_data"."order" ("id", "user_id", "idempotency_key", "request_hash", "symbol", "side", "type", "quantity", "time_in_force", "reference_price", "reserve_price", "status", "created_at", "updated_at")
           values (?, ?, 'k', 'h', 'NOPE', 'buy', 'market', 1, 'day', 1, 1, 'pending_risk', now(), now())`,
          [randomUUID(), randomUUID()],
        ),
      ).rejects.toThrow(/order_symbol_fkey/);
    });

    it('answers 422 for a delisted symbol and for a market order without a last price', async () => {
      await f.list('GONE', '5');
      await f.consumed(await f.publish(InstrumentDelisted, 'GONE', { symbol: 'GONE', delistedAt: new Date().toISOString() }));
      const r = await place(randomUUID(), limitBuy({ symbol: 'GONE' }));
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('ORDER.DELISTED_SYMBOL');
      const m = await place(randomUUID(), { symbol: 'MSFT', side: 'buy', type: 'market', quantity: '1', timeInForce: 'day' });
      expect(m.status).toBe(422);
      expect(m.body.code).toBe('ORDER.NO_PRICE');
    });

    it('answers 422 for a buy whose quantity times price no account can hold, writing nothing (was a 500; the platform cap now stops it first)', async () => {
      const before = await f.snapshot();
      const huge = '99999999999999999999.99999999';
      const r = await place(randomUUID(), limitBuy({ quantity: huge, limitPrice: huge }));
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ code: 'ORDER.QUANTITY_CAP', errors: [{ path: 'quantity' }] });
      expect(await f.snapshot()).toEqual(before);
    });
  });

  it('runs the happy path: deposit, buy, approval, partial and full fill, with exact position and cash; a replayed report changes nothing', async () => {
    const alice = randomUUID();
    await deposit(alice, '10000');
    const placed = await place(alice, limitBuy());
    expect(placed.status).toBe(202);
    const o = placed.body;
    const [submitted] = await f.eventsOf(OrderSubmitted.type, o.id);
    expect(submitted!.data).toMatchObject({ orderId: o.id, userId: alice, symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100', referencePrice: '100', buyingPower: '9000' });
    expect(dec((await account(alice))!.reserved).eq(1000)).toBe(true);

    const assessmentId = await approve(o, alice);
    expect((await order(alice, o.id)).status).toBe('routed');
    const [routed] = await f.eventsOf(OrderRouted.type, o.id);
    expect(routed!.data).toMatchObject({ orderId: o.id, assessmentId, quantity: '10', limitPrice: '100' });

    await execute(report(o, alice, { quantity: '4', price: '99', cumulativeQuantity: '4', leavesQuantity: '6' }));
    let now = await order(alice, o.id);
    expect(now).toMatchObject({ status: 'partially_filled', filledQuantity: '4', avgFillPrice: '99' });
    expect((await f.eventsOf(OrderPartiallyFilled.type, o.id))[0]!.data).toMatchObject({ side: 'buy', fillQuantity: '4', fillPrice: '99', filledQuantity: '4', avgFillPrice: '99' });
    expect(dec((await account(alice))!.cash).eq(10000 - 396)).toBe(true);
    expect(dec((await account(alice))!.reserved).eq(600)).toBe(true);

    const last = report(o, alice, { quantity: '6', price: '100', cumulativeQuantity: '10', leavesQuantity: '0' });
    await execute(last);
    now = await order(alice, o.id);
    expect(now).toMatchObject({ status: 'filled', filledQuantity: '10', avgFillPrice: '99.6' });
    expect(now.history.map((h: { status: string }) => h.status)).toEqual(['pending_risk', 'routed', 'partially_filled', 'filled']);
    const a = (await account(alice))!;
    expect(dec(a.cash).eq(new Dec(10000).minus(396).minus(600))).toBe(true);
    expect(dec(a.reserved).eq(0)).toBe(true);
    const [filled] = await f.eventsOf(OrderFilled.type, o.id);
    expect(filled!.data).toMatchObject({ quantity: '10', avgFillPrice: '99.6', side: 'buy' });
    const changes = await f.eventsOf(PositionChanged.type, `${alice}:AAPL`, 2);
    expect(changes.map((e) => (e.data as { quantity: string }).quantity)).toEqual(['4', '10']);

    // The same report again (a redelivery under a new event id) has no second effect.
    const before = await state();
    await execute(last);
    expect(await state()).toEqual(before);
    expect((await f.api('GET', '/api/v1/executions', { as: alice })).body.items).toHaveLength(2);

    // A sell realizes P&L; the portfolio values the rest at the last price.
    const sell = (await place(alice, limitBuy({ side: 'sell', quantity: '4', limitPrice: '110' }))).body;
    expect((await f.eventsOf(OrderSubmitted.type, sell.id))[0]!.data).toMatchObject({ buyingPower: '9004', availableQuantity: '10' });
    await approve(sell, alice);
    await execute(report(sell, alice, { side: 'sell', quantity: '4', price: '110', cumulativeQuantity: '4' }));
    await f.consumed(await f.publish(PriceUpdated, 'AAPL', { symbol: 'AAPL', price: '105', at: new Date().toISOString() }));
    const p = await f.api('GET', '/api/v1/portfolio', { as: alice });
    expect(p.status).toBe(200);
    expect(dec(p.body.cash).eq('9444')).toBe(true);
    expect(p.body.positions).toEqual([{ symbol: 'AAPL', quantity: '6', availableQuantity: '6', avgPrice: '99.6', marketPrice: '105', unrealizedPnl: '32.4', realizedPnl: '41.6' }]);
    expect(dec(p.body.equity).eq(new Dec('9444').plus(new Dec(6).times(105)))).toBe(true);
    await f.consumed(await f.publish(PriceUpdated, 'AAPL', { symbol: 'AAPL', price: '100', at: new Date().toISOString() }));
    const execs = (await f.api('GET', '/api/v1/executions?limit=2', { as: alice })).body;
    expect(execs.items).toHaveLength(2);
    expect(execs.items[0]).toMatchObject({ orderId: sell.id, side: 'sell', quantity: '4', price: '110' });
    expect(execs.nextCursor).toEqual(expect.any(String));
  });

  it('places stops, stop-limits and trailing stops with their reservations, and routes them as trading.order.* v2', async () => {
    const carol = randomUUID();
    await deposit(carol, '100000');
    const stop = await place(carol, { symbol: 'AAPL', side: 'buy', type: 'stop', quantity: '10', stopPrice: '110', timeInForce: 'gtc' });
    expect(stop.status).toBe(202);
    expect(stop.body).toMatchObject({ type: 'stop', stopPrice: '110', limitPrice: null, trailPrice: null, trailPercent: null, timeInForce: 'gtc' });
    const [submitted] = await f.eventsOf(OrderSubmitted.type, stop.body.id);
    expect({ version: submitted!.version, ...(submitted!.data as object) }).toMatchObject({ version: 2, type: 'stop', stopPrice: '110', referencePrice: '110', worstPrice: '111.1', lastPrice: '100' });
    expect(dec((await account(carol))!.reserved).eq(1111)).toBe(true); // 10 × 110 × 1.01
    await approve(stop.body, carol);
    const [routed] = await f.eventsOf(OrderRouted.type, stop.body.id);
    expect({ version: routed!.version, ...(routed!.data as object) }).toMatchObject({ version: 2, type: 'stop', stopPrice: '110', worstPrice: '111.1', trailPrice: null });

    const stopLimit = (await place(carol, { symbol: 'AAPL', side: 'buy', type: 'stop_limit', quantity: '1', stopPrice: '105', limitPrice: '106', timeInForce: 'day' })).body;
    expect((await f.eventsOf(OrderSubmitted.type, stopLimit.id))[0]!.data).toMatchObject({ worstPrice: '106', limitPrice: '106', stopPrice: '105' });
    const trailing = (await place(carol, { symbol: 'AAPL', side: 'buy', type: 'trailing_stop', quantity: '2', trailPercent: '2.5', timeInForce: 'gtc' })).body;
    expect(trailing).toMatchObject({ type: 'trailing_stop', trailPercent: '2.5', trailPrice: null });
    expect((await f.eventsOf(OrderSubmitted.type, trailing.id))[0]!.data).toMatchObject({ worstPrice: '103.525' }); // 100 × 1.025 × 1.01
    const ioc = await place(carol, limitBuy({ timeInForce: 'ioc' }));
    expect(ioc.body).toMatchObject({ timeInForce: 'ioc', expiresAt: null });
  });

  it('refuses prices an order type does not take, and times in force it is not offered with (400 naming the field), writing nothing', async () => {
    const dave = randomUUID();
    await deposit(dave, '1000');
    const before = await state();
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'stop' }, 'stopPrice'],
      [{ type: 'stop', stopPrice: '90', limitPrice: '91' }, 'limitPrice'],
      [{ type: 'stop_limit', stopPrice: '90' }, 'limitPrice'],
      [{ type: 'limit', limitPrice: '90', stopPrice: '91' }, 'stopPrice'],
      [{ type: 'trailing_stop' }, 'trailPrice'],
      [{ type: 'trailing_stop', trailPrice: '1', trailPercent: '1' }, 'trailPrice'],
      [{ type: 'trailing_stop', trailPercent: '100' }, 'trailPercent'],
      [{ type: 'market', trailPercent: '5' }, 'trailPercent'],
      [{ type: 'stop', stopPrice: '90', timeInForce: 'ioc' }, 'timeInForce'],
      [{ type: 'market', timeInForce: 'opg' }, 'timeInForce'],
    ];
    for (const [o, field] of cases) {
      const r = await place(dave, { symbol: 'AAPL', side: 'buy', quantity: '1', timeInForce: 'gtc', ...o });
      expect({ o, status: r.status, paths: r.body.errors?.map((e: { path: string }) => e.path) }).toEqual({ o, status: 400, paths: expect.arrayContaining([field]) });
    }
    const wide = await place(dave, { symbol: 'AAPL', side: 'sell', type: 'trailing_stop', quantity: '1', trailPrice: '100', timeInForce: 'gtc' });
    expect({ status: wide.status, code: wide.body.code }).toEqual({ status: 422, code: 'ORDER.TRAIL_TOO_WIDE' }); // no shares either: the trail is said first
    expect(await state()).toEqual(before);
  });

  it('reserves a market buy at the last price plus the buffer, and submits (not rejects) beyond buying power', async () => {
    const bob = randomUUID();
    await deposit(bob, '100');
    const o = (await place(bob, { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '2', timeInForce: 'gtc' })).body;
    expect(o.status).toBe('pending_risk');
    expect((await f.eventsOf(OrderSubmitted.type, o.id))[0]!.data).toMatchObject({ referencePrice: '100', buyingPower: '-102', limitPrice: null });
    expect(dec((await account(bob))!.reserved).eq(202)).toBe(true);
  });

  it('releases the reservation when risk rejects', async () => {
    const carol = randomUUID();
    await deposit(carol, '500');
    const o = (await place(carol, limitBuy())).body;
    expect(dec((await account(carol))!.reserved).eq(1000)).toBe(true);
    await f.consumed(
      await f.publish(AssessmentRejected, o.id, {
        assessmentId: randomUUID(),
        orderId: o.id,
        userId: carol,
        rules: [{ rule: 'buying_power', passed: false, detail: 'short' }],
        reasons: ['buying_power: -500 below 0'],
        assessedAt: new Date().toISOString(),
      }),
    );
    expect(await order(carol, o.id)).toMatchObject({ status: 'rejected', rejectReason: 'buying_power: -500 below 0' });
    expect(dec((await account(carol))!.reserved).eq(0)).toBe(true);
    expect(dec((await account(carol))!.cash).eq(500)).toBe(true);
    expect((await f.eventsOf(OrderRejected.type, o.id))[0]!.data).toMatchObject({ reasons: ['buying_power: -500 below 0'] });
    // A later approval of a rejected order is illegal: ignored.
    await approve(o, carol);
    expect((await order(carol, o.id)).status).toBe('rejected');
  });

  it('cancels a pending order at once, and an open order through the venue; a terminal order answers 409', async () => {
    const dave = randomUUID();
    await deposit(dave, '5000');
    const pending = (await place(dave, limitBuy())).body;
    const c1 = await f.api('DELETE', `/api/v1/orders/${pending.id}`, { as: dave });
    expect(c1.status).toBe(202);
    expect(c1.body.status).toBe('cancelled');
    expect((await f.eventsOf(OrderCancelled.type, pending.id))[0]!.data).toMatchObject({ filledQuantity: '0' });
    expect(dec((await account(dave))!.reserved).eq(0)).toBe(true);
    // risk's approval arriving after the cancel is ignored.
    await approve(pending, dave);
    expect((await order(dave, pending.id)).status).toBe('cancelled');
    expect(f.events.filter((e) => e.type === OrderRouted.type && e.subject === pending.id)).toHaveLength(0);

    const open = (await place(dave, limitBuy())).body;
    await approve(open, dave);
    await execute(report(open, dave, { quantity: '3', price: '100', cumulativeQuantity: '3', leavesQuantity: '7' }));
    const c2 = await f.api('DELETE', `/api/v1/orders/${open.id}`, { as: dave });
    expect(c2.status).toBe(202);
    expect(c2.body.status).toBe('cancel_requested');
    await f.eventsOf(OrderCancelRequested.type, open.id);
    await execute(report(open, dave, { kind: 'cancelled', cumulativeQuantity: '3', leavesQuantity: '0', reason: 'cancelled on request' }));
    expect(await order(dave, open.id)).toMatchObject({ status: 'cancelled', filledQuantity: '3' });
    expect((await f.eventsOf(OrderCancelled.type, open.id))[0]!.data).toMatchObject({ filledQuantity: '3' });
    const a = (await account(dave))!;
    expect(dec(a.reserved).eq(0)).toBe(true);
    expect(dec(a.cash).eq(4700)).toBe(true);

    const again = await f.api('DELETE', `/api/v1/orders/${open.id}`, { as: dave });
    expect(again.status).toBe(409);
    const list = await f.api('GET', '/api/v1/orders?status=cancelled', { as: dave });
    expect(list.body.items.map((o: { id: string }) => o.id).sort()).toEqual([pending.id, open.id].sort());
  });

  it('cancels open orders of a delisted symbol: pending ones at once, routed ones through the venue', async () => {
    const frank = randomUUID();
    await f.list('DELI', '10');
    await deposit(frank, '1000');
    const pending = (await place(frank, limitBuy({ symbol: 'DELI', quantity: '5', limitPrice: '10' }))).body;
    const routed = (await place(frank, limitBuy({ symbol: 'DELI', quantity: '5', limitPrice: '10' }))).body;
    await approve(routed, frank);
    expect(dec((await account(frank))!.reserved).eq(100)).toBe(true);
    await f.consumed(await f.publish(InstrumentDelisted, 'DELI', { symbol: 'DELI', delistedAt: new Date().toISOString() }));
    expect(await order(frank, pending.id)).toMatchObject({ status: 'cancelled', history: expect.arrayContaining([{ status: 'cancelled', at: expect.any(String), reason: 'DELI was delisted' }]) });
    expect((await order(frank, routed.id)).status).toBe('cancel_requested');
    await f.eventsOf(OrderCancelRequested.type, routed.id);
    expect(dec((await account(frank))!.reserved).eq(50)).toBe(true);
  });

  it('places one order for concurrent requests with the same key and body', async () => {
    const gina = randomUUID();
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 6 }, () => place(gina, limitBuy({ quantity: '1' }), key)));
    expect(answers.map((a) => a.status).every((s) => s === 202)).toBe(true);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await f.sql(`select 1 from "trading_data"."order" where "user_id" = ?`, [gina])).toHaveLength(1);
    expect(dec((await account(gina))!.reserved).eq(100)).toBe(true);
  });

  it('answers 404 for another user\'s order, changing nothing', async () => {
    const erin = randomUUID();
    const o = (await place(erin, limitBuy())).body;
    const before = await f.snapshot();
    const mallory = randomUUID();
    expect((await f.api('GET', `/api/v1/orders/${o.id}`, { as: mallory })).status).toBe(404);
    expect((await f.api('DELETE', `/api/v1/orders/${o.id}`, { as: mallory })).status).toBe(404);
    expect((await f.api('GET', '/api/v1/orders', { as: mallory })).body.items).toEqual([]);
    expect(await f.snapshot()).toEqual(before);
  });

  it.each([
    ['quantity', limitBuy({ quantity: '0' })],
    ['quantity', limitBuy({ quantity: '-1' })],
    ['quantity', limitBuy({ quantity: 10 })],
    ['quantity', limitBuy({ quantity: '1.123456789' })],
    ['limitPrice', limitBuy({ limitPrice: undefined })],
    ['limitPrice', { symbol: 'AAPL', side: 'buy', type: 'market', quantity: '1', limitPrice: '100', timeInForce: 'day' }],
    ['side', limitBuy({ side: 'short' })],
    ['type', limitBuy({ type: 'stop_loss' })],
    ['timeInForce', limitBuy({ timeInForce: 'gtd' })],
    ['symbol', limitBuy({ symbol: 'aapl' })],
    ['extra', limitBuy({ extra: 1 })],
  ])('refuses a bad %s with 400 naming it, changing nothing', async (field, body) => {
    const before = await f.snapshot();
    const r = await place(randomUUID(), body);
    expect(r.status).toBe(400);
    // An unknown key is named in the message of the body's error.
    expect(field === 'extra' ? JSON.stringify(r.body.errors) : r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    expect(await f.snapshot()).toEqual(before);
  });

  it('refuses bad deposits and queries with 400 naming the field', async () => {
    const before = await f.snapshot();
    const u = randomUUID();
    for (const amount of ['0', '-5', 5, 'abc']) {
      const r = await f.api('POST', '/api/v1/portfolio/deposits', { as: u, body: { amount } });
      expect(r.status).toBe(400);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain('amount');
    }
    expect((await f.api('GET', '/api/v1/orders?status=open', { as: u })).body.errors.map((e: { path: string }) => e.path)).toContain('status');
    expect((await f.api('GET', '/api/v1/orders/not-a-uuid', { as: u })).status).toBe(400);
    expect(await f.snapshot()).toEqual(before);
  });

  it('measures the order pipeline once per terminal order, by outcome, and reports its outbox and consumer', async () => {
    const observed = async (outcome: string) => (await f.metric('order_pipeline_duration_seconds_count', { outcome })) ?? 0;
    const [filled, rejected] = [await observed('filled'), await observed('rejected')];
    const dave = randomUUID();
    await deposit(dave, '10000');
    const o = (await place(dave, limitBuy({ quantity: '2' }))).body;
    await approve(o, dave);
    const fill = report(o, dave, { quantity: '2', price: '99', cumulativeQuantity: '2' });
    await execute(fill);
    expect(await order(dave, o.id)).toMatchObject({ status: 'filled' });
    await execute(fill); // the venue's report again: no second transition, no second observation
    const x = (await place(dave, limitBuy({ quantity: '1' }))).body;
    await f.consumed(
      await f.publish(AssessmentRejected, x.id, { assessmentId: randomUUID(), orderId: x.id, userId: dave, rules: [{ rule: 'buying_power', passed: false, detail: 'short' }], reasons: ['no'], assessedAt: new Date().toISOString() }),
    );
    expect([await observed('filled'), await observed('rejected')]).toEqual([filled + 1, rejected + 1]);
    expect(await f.metric('order_pipeline_duration_seconds_bucket', { outcome: 'filled', le: '+Inf' })).toBe(filled + 1);
    expect(await f.metric('order_pipeline_duration_seconds_sum', { outcome: 'filled' })).toBeGreaterThan(0);

    await until('the outbox to be published', async () => (await f.metric('outbox_pending_events', { service: 'trading' })) === 0);
    const topic = f.svc.inst.topicPrefix + TOPICS.riskAssessment;
    expect(await f.metric('events_consumed_total', { topic, outcome: 'handled' })).toBeGreaterThanOrEqual(3);
    expect(await f.metric('events_consumed_total', { topic: f.svc.inst.topicPrefix + TOPICS.brokerExecution, outcome: 'handled' })).toBeGreaterThanOrEqual(2);
    await until('no consumer lag on risk assessments', async () => (await f.metric('kafka_consumer_group_lag', { topic })) === 0);
    expect(await f.metric('kafka_dead_letter_messages', { topic })).toBe(0);
  });

  it('answers 401 without a token', async () => {
    expect((await f.api('GET', '/api/v1/portfolio')).status).toBe(401);
  });

  it('has empty portfolio answers for a new account', async () => {
    const r = await f.api('GET', '/api/v1/portfolio', { as: randomUUID() });
    expect(r.body).toMatchObject({ cash: '0', equity: '0', positions: [] });
  });
});
