import { randomBytes, randomUUID } from 'node:crypto';
import { OrderCancelRequested, OrderRouted, OrderRoutedV2, PriceUpdated, type EventData } from '@alphintra/contracts';
import { Dec } from '@alphintra/money';
import { loadEnv } from '../env';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import { PaperVenue } from '../venues/paper.venue';
import { startBrokerService, until, type BrokerServiceFixture } from '../testing/broker-service.fixture';

let seq = 0;
const sym = () => `T${Date.now().toString(36).toUpperCase().slice(-5)}${(seq++).toString(36).toUpperCase()}`;

const routed = (userId: string, symbol: string, o: Partial<EventData<typeof OrderRouted>> = {}): EventData<typeof OrderRouted> => ({
  orderId: randomUUID(),
  userId,
  symbol,
  side: 'buy',
  type: 'market',
  quantity: '10',
  limitPrice: null,
  timeInForce: 'day',
  assessmentId: randomUUID(),
  routedAt: new Date().toISOString(),
  ...o,
});

describe('paper venue', () => {
  let f: BrokerServiceFixture;
  const alice = randomUUID();

  const price = async (symbol: string, p: string) => f.consumed(await f.publish(PriceUpdated, symbol, { symbol, price: p, at: new Date().toISOString() }));
  const route = async (o: EventData<typeof OrderRouted>, id?: string) => f.consumed(await f.publish(OrderRouted, o.orderId, o, { id }));
  const fills = (orderId: string) => f.sql<{ n: string }>(`select count(*)::text as n from "broker_data"."execution" where "order_id" = ? and "kind" = 'fill'`, [orderId]);

  beforeAll(async () => {
    f = await startBrokerService({ BROKER_DEFAULT_SLIPPAGE_BPS: '10', BROKER_PAPER_MAX_FILL_QUANTITY: '1000' });
    expect((await f.api('PUT', '/api/v1/broker/settings', { as: alice, body: { defaultConnectionId: null, slippageBps: 25 } })).status).toBe(200);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('fills a market buy at the last price plus the user\'s slippage, and a sell at the price minus it', async () => {
    const s = sym();
    await price(s, '200.40');
    const buy = routed(alice, s, { quantity: '3' });
    await route(buy);
    const [b] = await f.executionsFor(buy.orderId);
    expect(b).toMatchObject({ kind: 'fill', quantity: '3', price: '200.901', cumulativeQuantity: '3', leavesQuantity: '0', venue: 'paper', userId: alice, reason: null });
    const sell = routed(alice, s, { side: 'sell', quantity: '2.5' });
    await route(sell);
    expect((await f.executionsFor(sell.orderId))[0]).toMatchObject({ kind: 'fill', quantity: '2.5', price: '199.899', leavesQuantity: '0' });
  });

  it('uses BROKER_DEFAULT_SLIPPAGE_BPS for a user without settings', async () => {
    const s = sym();
    await price(s, '100');
    const o = routed(randomUUID(), s);
    await route(o);
    expect((await f.executionsFor(o.orderId))[0]).toMatchObject({ kind: 'fill', price: '100.1' });
  });

  it('rejects a market order when no price is known', async () => {
    const o = routed(alice, sym());
    await route(o);
    expect((await f.executionsFor(o.orderId))[0]).toMatchObject({ kind: 'rejected', reason: 'no market price', quantity: null, price: null, cumulativeQuantity: '0', leavesQuantity: '0' });
  });

  it('fills a large order in chunks of BROKER_PAPER_MAX_FILL_QUANTITY with cumulative and leaves quantities', async () => {
    const s = sym();
    await price(s, '10');
    const o = routed(alice, s, { quantity: '2500.5' });
    await route(o);
    const reports = await f.executionsFor(o.orderId, 3);
    expect(reports.map((r) => [r.quantity, r.cumulativeQuantity, r.leavesQuantity])).toEqual([
      ['1000', '1000', '1500.5'],
      ['1000', '2000', '500.5'],
      ['500.5', '2500.5', '0'],
    ]);
    expect(new Set(reports.map((r) => r.executionId)).size).toBe(3);
    const [vo] = await f.sql(`select "status", "cumulative_quantity"::text as c from "broker_data"."venue_order" where "order_id" = ?`, [o.orderId]);
    expect(vo).toEqual({ status: 'filled', c: '2500.50000000' });
  });

  it('rests a limit order until a price event crosses it, then fills at the market capped by the limit', async () => {
    const s = sym();
    await price(s, '50');
    const buy = routed(alice, s, { type: 'limit', limitPrice: '45.5', quantity: '4' });
    const sell = routed(alice, s, { type: 'limit', side: 'sell', limitPrice: '60', quantity: '1' });
    await route(buy);
    await route(sell);
    await price(s, '46');
    expect(await fills(buy.orderId)).toEqual([{ n: '0' }]);
    await price(s, '45.2'); // 45.2 + 25 bps = 45.313, better than the limit
    expect((await f.executionsFor(buy.orderId))[0]).toMatchObject({ kind: 'fill', quantity: '4', price: '45.313', leavesQuantity: '0' });
    expect(await fills(sell.orderId)).toEqual([{ n: '0' }]);
    await price(s, '60'); // 60 - 25 bps = 59.85, worse than the limit: the limit holds
    expect((await f.executionsFor(sell.orderId))[0]).toMatchObject({ kind: 'fill', price: '60' });
  });

  it('fills a marketable limit at the market, never at a limit far beyond it (defect 4)', async () => {
    const s = sym();
    await price(s, '100');
    const buy = routed(alice, s, { type: 'limit', limitPrice: '200', worstPrice: '200', quantity: '2' });
    const sell = routed(alice, s, { type: 'limit', side: 'sell', limitPrice: '50', worstPrice: '50', quantity: '1' });
    await route(buy);
    await route(sell);
    expect((await f.executionsFor(buy.orderId))[0]).toMatchObject({ kind: 'fill', quantity: '2', price: '100.25', leavesQuantity: '0' });
    expect((await f.executionsFor(sell.orderId))[0]).toMatchObject({ kind: 'fill', quantity: '1', price: '99.75' });
  });

  it('never fills beyond the worst price: a market order past it is cancelled with the reason, a limit rests until the market is within it', async () => {
    const s = sym();
    await price(s, '100');
    const market = routed(alice, s, { worstPrice: '100.1' }); // 100 + 25 bps = 100.25 > 100.1
    await route(market);
    expect((await f.executionsFor(market.orderId))[0]).toMatchObject({
      kind: 'cancelled',
      quantity: null,
      cumulativeQuantity: '0',
      reason: "market price 100.25 is beyond the order's worst price 100.1",
    });
    const sell = routed(alice, s, { side: 'sell', worstPrice: '99.8' }); // 99.75 < 99.8
    await route(sell);
    expect((await f.executionsFor(sell.orderId))[0]).toMatchObject({ kind: 'cancelled', reason: expect.stringContaining('worst price 99.8') });
    const within = routed(alice, s, { worstPrice: '101' });
    await route(within);
    expect((await f.executionsFor(within.orderId))[0]).toMatchObject({ kind: 'fill', price: '100.25' });

    const limit = routed(alice, s, { type: 'limit', limitPrice: '120', worstPrice: '98', quantity: '3' });
    await route(limit);
    await price(s, '99');
    expect(await fills(limit.orderId)).toEqual([{ n: '0' }]);
    await price(s, '97.9'); // 97.9 + 25 bps = 98.14475: held to the worst price
    expect((await f.executionsFor(limit.orderId))[0]).toMatchObject({ kind: 'fill', quantity: '3', price: '98' });
    const [vo] = await f.sql(`select "worst_price"::text as w from "broker_data"."venue_order" where "order_id" = ?`, [limit.orderId]);
    expect(vo).toEqual({ w: '98.00000000' });
  });

  it('bounds the reports of one message: a quantity of 10^12 fills in BROKER_PAPER_MAX_FILLS_PER_EVENT reports, and the broker stays ready (defect 3)', async () => {
    const s = sym();
    await price(s, '10');
    const huge = routed(alice, s, { type: 'limit', side: 'sell', limitPrice: '0.00000001', worstPrice: '0.00000001', quantity: '1000000000000' });
    await route(huge);
    const reports = await f.executionsFor(huge.orderId, 10);
    expect(reports).toHaveLength(10);
    expect(reports.map((r) => r.quantity)).toEqual([...Array(9).fill('1000'), '999999991000']);
    expect(reports.every((r) => r.price === '9.975')).toBe(true);
    expect(reports.at(-1)).toMatchObject({ cumulativeQuantity: '1000000000000', leavesQuantity: '0' });

    // Resting orders a later price crosses: each of them bounded the same way.
    const resting = [1, 2, 3].map(() => routed(alice, s, { type: 'limit', limitPrice: '5', quantity: '1000000000' }));
    for (const o of resting) await route(o);
    await price(s, '4');
    for (const o of resting) expect((await f.executionsFor(o.orderId, 10)).map((r) => r.price)).toEqual(Array(10).fill('4.01'));
    expect((await fetch(`${f.url}/health/ready`)).status).toBe(200);
  });

  it('caps slippage: settings above BROKER_MAX_SLIPPAGE_BPS are refused, and a row stored before the cap is applied at the cap (defect 5)', async () => {
    const erin = randomUUID();
    const refused = await f.api('PUT', '/api/v1/broker/settings', { as: erin, body: { defaultConnectionId: null, slippageBps: 501 } });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'BROKER.SLIPPAGE_TOO_HIGH', errors: [{ path: 'slippageBps', message: 'must be at most 500' }] });
    expect(await f.sql(`select 1 from "broker_data"."settings" where "user_id" = ?`, [erin])).toEqual([]);
    expect((await f.api('PUT', '/api/v1/broker/settings', { as: erin, body: { defaultConnectionId: null, slippageBps: 500 } })).status).toBe(200);

    await f.sql(`update "broker_data"."settings" set "slippage_bps" = 10000 where "user_id" = ?`, [erin]);
    expect((await f.api('GET', '/api/v1/broker/settings', { as: erin })).body).toEqual({ defaultConnectionId: null, slippageBps: 500 });
    const s = sym();
    await price(s, '100');
    const o = routed(erin, s);
    await route(o);
    expect((await f.executionsFor(o.orderId))[0]).toMatchObject({ kind: 'fill', price: '105' });
  });

  it('refuses to start with BROKER_DEFAULT_SLIPPAGE_BPS above BROKER_MAX_SLIPPAGE_BPS', () => {
    const source = { ...f.inst.envFor('broker'), BROKER_KEK: randomBytes(32).toString('base64'), AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks' };
    expect(() => loadEnv({ ...source, BROKER_DEFAULT_SLIPPAGE_BPS: '600' })).toThrow(/BROKER_DEFAULT_SLIPPAGE_BPS: must be at most BROKER_MAX_SLIPPAGE_BPS \(500\)/);
    expect(() => loadEnv({ ...source, BROKER_DEFAULT_SLIPPAGE_BPS: '600', BROKER_MAX_SLIPPAGE_BPS: '600' })).not.toThrow();
    expect(() => loadEnv({ ...source, BROKER_PAPER_MAX_FILLS_PER_EVENT: '0' })).toThrow(/BROKER_PAPER_MAX_FILLS_PER_EVENT/);
  });

  it('cancels a market order routed longer ago than BROKER_MARKET_ORDER_MAX_AGE_SECONDS (30 s) instead of filling it at the later price', async () => {
    const s = sym();
    await price(s, '100');
    const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
    const stale = routed(alice, s, { routedAt: ago(120) });
    await route(stale);
    await route(stale); // a redelivery: no second report
    const reports = await f.executionsFor(stale.orderId);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ kind: 'cancelled', quantity: null, price: null, cumulativeQuantity: '0', leavesQuantity: '0', reason: expect.stringMatching(/^market order arrived 12\d s after it was routed \(at most 30 s\): not filled at a later price$/) });
    const [vo] = await f.sql(`select "status" from "broker_data"."venue_order" where "order_id" = ?`, [stale.orderId]);
    expect(vo).toEqual({ status: 'cancelled' });
    const fresh = routed(alice, s, { routedAt: ago(5) });
    await route(fresh);
    expect((await f.executionsFor(fresh.orderId))[0]).toMatchObject({ kind: 'fill', price: '100.25' });
    const oldLimit = routed(alice, s, { type: 'limit', limitPrice: '101', worstPrice: '101', routedAt: ago(120) }); // carries its own price
    await route(oldLimit);
    expect((await f.executionsFor(oldLimit.orderId))[0]).toMatchObject({ kind: 'fill', price: '100.25' });
  });

  it('cancels a resting limit order, and ignores a cancel of an order already filled', async () => {
    const s = sym();
    const o = routed(alice, s, { type: 'limit', limitPrice: '10', quantity: '5' });
    await route(o);
    await f.consumed(await f.publish(OrderCancelRequested, o.orderId, { orderId: o.orderId, userId: alice, symbol: s, requestedAt: new Date().toISOString() }));
    expect((await f.executionsFor(o.orderId))[0]).toMatchObject({ kind: 'cancelled', cumulativeQuantity: '0', leavesQuantity: '0', quantity: null });
    await price(s, '9'); // would have crossed
    expect(await fills(o.orderId)).toEqual([{ n: '0' }]);

    const filled = routed(alice, s, { quantity: '1' });
    await route(filled);
    await f.executionsFor(filled.orderId);
    await f.consumed(await f.publish(OrderCancelRequested, filled.orderId, { orderId: filled.orderId, userId: alice, symbol: s, requestedAt: new Date().toISOString() }));
    expect(await f.sql(`select "kind" from "broker_data"."execution" where "order_id" = ? order by "id"`, [filled.orderId])).toEqual([{ kind: 'fill' }]);
  });

  it('has no second effect when a routed event is delivered again (same event, or a copy under another id)', async () => {
    const s = sym();
    await price(s, '20');
    const o = routed(alice, s);
    const id = randomUUID();
    await route(o, id);
    await f.executionsFor(o.orderId);
    await f.publish(OrderRouted, o.orderId, o, { id });
    await route(o); // a copy under a new event id
    await route(routed(alice, s)); // a later event on another key, consumed after the copies
    await new Promise((r) => setTimeout(r, 300));
    expect(await fills(o.orderId)).toEqual([{ n: '1' }]);
    expect(f.executionEvents.filter((e) => (e.data as { orderId: string }).orderId === o.orderId)).toHaveLength(1);
  });

  it('routes a paper connection to the paper venue even with a forged broker column', async () => {
    const bob = randomUUID();
    const c = await f.api('POST', '/api/v1/broker/connections', { as: bob, body: { broker: 'paper', label: 'sim' } });
    await f.api('PUT', '/api/v1/broker/settings', { as: bob, body: { defaultConnectionId: c.body.id, slippageBps: 0 } });
    await f.sql(`update "broker_data"."connection" set "broker" = 'alpaca' where "id" = ?`, [c.body.id]);
    const s = sym();
    await price(s, '7');
    const o = routed(bob, s);
    await route(o);
    expect((await f.executionsFor(o.orderId))[0]).toMatchObject({ kind: 'fill', venue: 'paper', price: '7' });
  });

  it('rejects orders for a live connection while no live adapter is configured', async () => {
    const carol = randomUUID();
    const c = await f.api('POST', '/api/v1/broker/connections', { as: carol, body: { broker: 'alpaca', label: 'live', credentials: { apiKey: 'PKLIVE1234', apiSecret: 'xyz-secret' } } });
    await f.api('PUT', '/api/v1/broker/settings', { as: carol, body: { defaultConnectionId: c.body.id, slippageBps: 0 } });
    const s = sym();
    await price(s, '7');
    const o = routed(carol, s);
    await route(o);
    expect((await f.executionsFor(o.orderId))[0]).toMatchObject({ kind: 'rejected', venue: 'alpaca', reason: expect.stringContaining('no live adapter configured') });
    expect(JSON.stringify(f.executionEvents)).not.toContain('xyz-secret');
  });

  it('serves the venue order and its executions to its owner only', async () => {
    const s = sym();
    await price(s, '3');
    const o = routed(alice, s, { quantity: '1500' });
    await route(o);
    await f.executionsFor(o.orderId, 2);
    const mine = await f.api('GET', `/api/v1/broker/venue-orders?orderId=${o.orderId}`, { as: alice });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([
      expect.objectContaining({ orderId: o.orderId, status: 'filled', quantity: '1500', cumulativeQuantity: '1500', executions: [expect.objectContaining({ quantity: '1000' }), expect.objectContaining({ quantity: '500', leavesQuantity: '0' })] }),
    ]);
    expect((await f.api('GET', `/api/v1/broker/venue-orders?orderId=${o.orderId}`, { as: randomUUID() })).body.items).toEqual([]);
    const bad = await f.api('GET', '/api/v1/broker/venue-orders?orderId=nope', { as: alice });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'orderId' })]);
  });
});

describe('paper venue across a restart', () => {
  let f: BrokerServiceFixture;
  const dave = randomUUID();
  afterAll(async () => {
    await f?.close();
  });

  it('keeps resting limit orders, reconciles them at start and never fills twice', async () => {
    f = await startBrokerService({ BROKER_KEK: randomBytes(32).toString('base64') });
    const s = sym();
    const price = async (p: string) => f.consumed(await f.publish(PriceUpdated, s, { symbol: s, price: p, at: new Date().toISOString() }));
    await price('100');
    const market = routed(dave, s, { quantity: '1' });
    const limit = routed(dave, s, { type: 'limit', limitPrice: '90', quantity: '2' });
    await f.consumed(await f.publish(OrderRouted, market.orderId, market));
    await f.consumed(await f.publish(OrderRouted, limit.orderId, limit));
    await f.executionsFor(market.orderId);

    await f.restart();
    const rec = await f.app.get(ReconciliationService).request();
    expect(rec.orders).toEqual([expect.objectContaining({ orderId: limit.orderId, status: 'open', cumulativeQuantity: '0', fills: 0 })]);

    // The same routed orders again after the restart: nothing new.
    await f.consumed(await f.publish(OrderRouted, market.orderId, market));
    await f.consumed(await f.publish(OrderRouted, limit.orderId, limit));
    await price('89');
    expect((await f.executionsFor(limit.orderId))[0]).toMatchObject({ kind: 'fill', price: '89.0445', quantity: '2' }); // 89 + 5 bps
    await f.consumed(await f.publish(OrderRouted, limit.orderId, limit));
    await new Promise((r) => setTimeout(r, 300));
    const counts = await f.sql<{ order_id: string; n: string }>(
      `select "order_id", count(*)::text as n from "broker_data"."execution" where "order_id" in (?, ?) group by "order_id"`,
      [market.orderId, limit.orderId],
    );
    expect(Object.fromEntries(counts.map((c) => [c.order_id, c.n]))).toEqual({ [market.orderId]: '1', [limit.orderId]: '1' });
    await until('relay', () => f.executionEvents.filter((e) => [market.orderId, limit.orderId].includes((e.data as { orderId: string }).orderId)).length >= 2);
    expect(f.executionEvents.filter((e) => [market.orderId, limit.orderId].includes((e.data as { orderId: string }).orderId))).toHaveLength(2);
  });
});

describe('paper venue on the top of the book, in XNYS sessions, by quote size', () => {
  let f: BrokerServiceFixture;
  const erin = randomUUID();
  // Saturday 5 December 2026, Monday 7 December 2026 at 10:00 New York, Christmas Day 2026 at 10:00 New York
  const SATURDAY = new Date('2026-12-05T15:00:00Z');
  const MONDAY = new Date('2026-12-07T15:00:00Z');
  const CHRISTMAS = new Date('2026-12-25T15:00:00Z');
  const setClock = (t: Date) => (f.app.get(PaperVenue).now = () => t);
  const quoteOf = (symbol: string, last: string, bid: string, bidSize: string, ask: string, askSize: string) =>
    f.publish(PriceUpdated, symbol, { symbol, price: last, at: new Date().toISOString(), bid, bidSize, ask, askSize }).then((id) => f.consumed(id));
  const route = async (o: EventData<typeof OrderRouted>) => f.consumed(await f.publish(OrderRouted, o.orderId, o));
  const reports = (orderId: string) => f.executionEvents.filter((e) => (e.data as { orderId: string }).orderId === orderId).map((e) => e.data as { kind: string; quantity: string | null; price: string | null });

  beforeAll(async () => {
    f = await startBrokerService({ BROKER_PAPER_HOURS: 'regular', BROKER_PAPER_FILL_BY_QUOTE_SIZE: 'true', BROKER_DEFAULT_SLIPPAGE_BPS: '0' });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('fills a market buy at the ask and a market sell at the bid, not at the last trade', async () => {
    setClock(MONDAY);
    const s = sym();
    await quoteOf(s, '100', '99.90', '500', '100.10', '500');
    const buy = routed(erin, s, { quantity: '5' });
    const sell = routed(erin, s, { side: 'sell', quantity: '5' });
    await route(buy);
    await route(sell);
    expect((await f.executionsFor(buy.orderId))[0]).toMatchObject({ kind: 'fill', quantity: '5', price: '100.1' });
    expect((await f.executionsFor(sell.orderId))[0]).toMatchObject({ kind: 'fill', quantity: '5', price: '99.9' });
  });

  it('fills a buy limit when the ask crosses it, whatever the last trade says', async () => {
    setClock(MONDAY);
    const s = sym();
    await quoteOf(s, '100', '99.90', '500', '100.10', '500');
    const buy = routed(erin, s, { type: 'limit', limitPrice: '99.95', quantity: '3' });
    await route(buy);
    await quoteOf(s, '99.80', '99.70', '500', '99.96', '500'); // a trade below the limit, but the ask is still above it
    expect(reports(buy.orderId)).toEqual([]);
    await quoteOf(s, '99.80', '99.70', '500', '99.92', '500');
    expect((await f.executionsFor(buy.orderId))[0]).toMatchObject({ kind: 'fill', quantity: '3', price: '99.92' });
  });

  it('fills by the quote size: a market buy larger than the ask size fills in parts on successive quotes', async () => {
    setClock(MONDAY);
    const s = sym();
    await quoteOf(s, '50', '49.99', '100', '50.01', '200');
    const buy = routed(erin, s, { quantity: '500' });
    await route(buy);
    const first = await f.executionsFor(buy.orderId);
    expect(first).toEqual([expect.objectContaining({ kind: 'fill', quantity: '200', price: '50.01', leavesQuantity: '300' })]);
    await quoteOf(s, '50.02', '50.01', '100', '50.03', '250');
    await quoteOf(s, '50.03', '50.02', '100', '50.04', '1000');
    const all = await f.executionsFor(buy.orderId, 3);
    expect(all.map((r) => [r.quantity, r.price, r.leavesQuantity])).toEqual([
      ['200', '50.01', '300'],
      ['250', '50.03', '50'],
      ['50', '50.04', '0'],
    ]);
  });

  const routedV2 = (symbol: string, o: Partial<EventData<typeof OrderRoutedV2>>): EventData<typeof OrderRoutedV2> => ({
    ...routed(erin, symbol),
    worstPrice: null,
    stopPrice: null,
    trailPrice: null,
    trailPercent: null,
    ...o,
  });
  const route2 = async (o: EventData<typeof OrderRoutedV2>) => f.consumed(await f.publish(OrderRoutedV2, o.orderId, o));
  const last = (symbol: string, p: string) => quoteOf(symbol, p, new Dec(p).minus('0.05').toFixed(), '1000', new Dec(p).plus('0.05').toFixed(), '1000');
  const venueOrder = async (orderId: string) =>
    (await f.sql<{ triggered: boolean; mark: string | null; status: string }>(`select "triggered_at" is not null as "triggered", "mark"::text as "mark", "status" from "broker_data"."venue_order" where "order_id" = ?`, [orderId]))[0];

  it('a stop sell rests until a trade at or below its stop, then sells at the bid; a gap beyond its worst price cancels it', async () => {
    setClock(MONDAY);
    const s = sym();
    await last(s, '100');
    const stop = routedV2(s, { side: 'sell', type: 'stop', stopPrice: '95', quantity: '2', worstPrice: '90' });
    const gapped = routedV2(s, { side: 'sell', type: 'stop', stopPrice: '96', quantity: '1', worstPrice: '94' });
    await route2(stop);
    await route2(gapped);
    await last(s, '97');
    expect(reports(stop.orderId)).toEqual([]);
    expect(await venueOrder(stop.orderId)).toMatchObject({ triggered: false, status: 'open' });
    await last(s, '93'); // a gap: both trigger; the 96 stop's worst price is 94
    expect((await f.executionsFor(stop.orderId))[0]).toMatchObject({ kind: 'fill', quantity: '2', price: '92.95' });
    expect((await f.executionsFor(gapped.orderId))[0]).toMatchObject({ kind: 'cancelled', reason: "market price 92.95 is beyond the order's worst price 94" });
    expect(await venueOrder(stop.orderId)).toMatchObject({ triggered: true, status: 'filled' });
  });

  it('a stop-limit buy triggers at its stop and then fills only within its limit', async () => {
    setClock(MONDAY);
    const s = sym();
    await last(s, '100');
    const o = routedV2(s, { type: 'stop_limit', stopPrice: '105', limitPrice: '106', quantity: '3', worstPrice: '106' });
    await route2(o);
    await last(s, '104.9');
    await quoteOf(s, '105.2', '106.4', '1000', '106.6', '1000'); // triggered, but the ask is above the limit
    expect(reports(o.orderId)).toEqual([]);
    expect(await venueOrder(o.orderId)).toMatchObject({ triggered: true, status: 'open' });
    await quoteOf(s, '105.8', '105.7', '1000', '105.9', '1000');
    expect((await f.executionsFor(o.orderId))[0]).toMatchObject({ kind: 'fill', quantity: '3', price: '105.9' });
  });

  it('a trailing stop sell follows the high-water mark by its percentage and sells when the price falls back by it', async () => {
    setClock(MONDAY);
    const s = sym();
    await last(s, '100');
    const o = routedV2(s, { side: 'sell', type: 'trailing_stop', trailPercent: '5', quantity: '1', worstPrice: '50' });
    await route2(o);
    expect(await venueOrder(o.orderId)).toMatchObject({ mark: '100.00000000', triggered: false });
    await last(s, '96'); // 96 > 95: holds, the mark stays
    await last(s, '110'); // the mark rises to 110: the trigger to 104.5
    await last(s, '105');
    expect(reports(o.orderId)).toEqual([]);
    expect(await venueOrder(o.orderId)).toMatchObject({ mark: '110.00000000', triggered: false });
    await last(s, '104.4');
    expect((await f.executionsFor(o.orderId))[0]).toMatchObject({ kind: 'fill', quantity: '1', price: '104.35' });
  });

  it('a trailing stop buy follows the low-water mark by its price and buys when the price rises back by it', async () => {
    setClock(MONDAY);
    const s = sym();
    await last(s, '50');
    const o = routedV2(s, { type: 'trailing_stop', trailPrice: '2', quantity: '4', worstPrice: '60' });
    await route2(o);
    await last(s, '45'); // the mark falls to 45: the trigger to 47
    await last(s, '46.9');
    expect(reports(o.orderId)).toEqual([]);
    expect(await venueOrder(o.orderId)).toMatchObject({ mark: '45.00000000' });
    await last(s, '47');
    expect((await f.executionsFor(o.orderId))[0]).toMatchObject({ kind: 'fill', quantity: '4', price: '47.05' });
  });

  it('ioc fills what the book offers now and cancels the rest; fok fills whole or not at all', async () => {
    setClock(MONDAY);
    const s = sym();
    await quoteOf(s, '10', '9.99', '100', '10.01', '100');
    const ioc = routedV2(s, { type: 'limit', limitPrice: '10.05', quantity: '300', timeInForce: 'ioc' });
    const fokTooBig = routedV2(s, { type: 'limit', limitPrice: '10.05', quantity: '300', timeInForce: 'fok' });
    const fok = routedV2(s, { quantity: '60', timeInForce: 'fok' });
    const iocAway = routedV2(s, { type: 'limit', limitPrice: '9', quantity: '5', timeInForce: 'ioc' });
    for (const o of [ioc, fokTooBig, fok, iocAway]) await route2(o);
    expect((await f.executionsFor(ioc.orderId, 2)).map((r) => [r.kind, r.quantity, r.reason])).toEqual([
      ['fill', '100', null],
      ['cancelled', null, 'ioc: the rest is cancelled'],
    ]);
    expect((await f.executionsFor(fokTooBig.orderId)).map((r) => [r.kind, r.quantity, r.reason])).toEqual([['cancelled', null, 'fok: the book offers 100 of 300']]);
    expect((await f.executionsFor(fok.orderId)).map((r) => [r.kind, r.quantity, r.price])).toEqual([['fill', '60', '10.01']]);
    expect((await f.executionsFor(iocAway.orderId)).map((r) => [r.kind, r.reason])).toEqual([['cancelled', 'ioc: the market does not reach the limit']]);
  });

  it('a stop does not trigger out of session: the first trade in session decides', async () => {
    const s = sym();
    setClock(MONDAY);
    await last(s, '30');
    const o = routedV2(s, { side: 'sell', type: 'stop', stopPrice: '29', quantity: '1', worstPrice: '20' });
    await route2(o);
    setClock(SATURDAY);
    await last(s, '28');
    await new Promise((r) => setTimeout(r, 200));
    expect(await venueOrder(o.orderId)).toMatchObject({ triggered: false, status: 'open' });
    setClock(MONDAY);
    await last(s, '28.5');
    expect((await f.executionsFor(o.orderId))[0]).toMatchObject({ kind: 'fill', price: '28.45' });
  });

  it('fills nothing out of session: an order placed on a Saturday or Christmas rests, and the first price in session fills it', async () => {
    const s = sym();
    setClock(SATURDAY);
    await quoteOf(s, '20', '19.99', '1000', '20.01', '1000');
    const market = routed(erin, s, { quantity: '10' });
    const limit = routed(erin, s, { type: 'limit', side: 'sell', limitPrice: '19.50', quantity: '4' });
    await route(market);
    await route(limit);
    await quoteOf(s, '20', '19.98', '1000', '20.02', '1000');
    setClock(CHRISTMAS);
    await quoteOf(s, '20', '19.97', '1000', '20.03', '1000');
    await new Promise((r) => setTimeout(r, 300));
    expect([...reports(market.orderId), ...reports(limit.orderId)]).toEqual([]);
    const [vo] = await f.sql(`select "status" from "broker_data"."venue_order" where "order_id" = ?`, [market.orderId]);
    expect(vo).toEqual({ status: 'open' });

    setClock(MONDAY);
    await quoteOf(s, '20', '19.96', '1000', '20.04', '1000');
    expect((await f.executionsFor(market.orderId))[0]).toMatchObject({ kind: 'fill', quantity: '10', price: '20.04' });
    expect((await f.executionsFor(limit.orderId))[0]).toMatchObject({ kind: 'fill', quantity: '4', price: '19.96' });
  });
});
