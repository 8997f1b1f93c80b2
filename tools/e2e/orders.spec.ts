import { randomUUID } from 'node:crypto';
import { Dec } from '@alphintra/money';
import { ADMIN, call, eventually, startE2ePlatform, type E2ePlatform } from './platform-e2e';

type Item = Record<string, string>;

describe('the order saga through the gateway', () => {
  let platform: E2ePlatform;
  let gw: string;
  let alice: string;
  let aliceId: string;
  let admin: string;
  let symbols: string[];
  let lastPrice: Dec;

  const order = (token: string, body: Record<string, unknown>, key = randomUUID()) =>
    fetch(`${gw}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Item }));
  const settled = (id: string, token = alice) =>
    eventually(`order ${id} to settle`, async () => {
      const o = (await call(gw, 'GET', `/api/v1/orders/${id}`, { token })).body;
      return ['filled', 'rejected', 'cancelled'].includes(String(o.status)) ? o : undefined;
    }, 60_000);

  beforeAll(async () => {
    platform = await startE2ePlatform('e2e-orders', 55_445, 19_280, ['gateway', 'auth', 'user', 'strategy', 'trading', 'risk', 'broker', 'notification']);
    gw = platform.url;
    const password = 'trader password 1234';
    aliceId = String((await call(gw, 'POST', '/api/v1/auth/register', { body: { email: 'trader@e2e.test', password } })).body.userId);
    alice = String((await call(gw, 'POST', '/api/v1/auth/login', { body: { email: 'trader@e2e.test', password } })).body.accessToken);
    admin = String((await call(gw, 'POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken);
    const instruments = (await call(gw, 'GET', '/api/v1/instruments?limit=4', { token: alice })).body.items as Item[];
    symbols = instruments.map((i) => i.symbol);
    lastPrice = new Dec(instruments[0].lastPrice);
  }, 300_000); // the platform starts slower while CI runs other projects beside it
  afterAll(() => platform?.stop());

  it('funds the account, buys at market, and shows the position, the cash and the notification', async () => {
    expect((await call(gw, 'POST', '/api/v1/portfolio/deposits', { token: alice, body: { amount: '100000' } })).status).toBe(201);
    const submitted = await eventually('the symbol known to trading', async () => {
      const r = await order(alice, { symbol: symbols[0], side: 'buy', type: 'market', quantity: '10', timeInForce: 'day' });
      return r.status === 202 ? r : undefined;
    });
    expect(submitted.body.status).toBe('pending_risk');
    const filled = await settled(submitted.body.id);
    expect(filled.status).toBe('filled');
    expect((filled.history as unknown as { status: string }[]).map((h) => h.status)).toEqual(['pending_risk', 'routed', 'filled']);

    const fills = (await call(gw, 'GET', '/api/v1/executions', { token: alice })).body.items as Item[];
    const cost = fills.reduce((sum, f) => sum.plus(new Dec(f.quantity).times(f.price)), new Dec(0));
    expect(new Dec(fills[0].price).gte(lastPrice)).toBe(true); // bought at the last price plus slippage
    const portfolio = (await call(gw, 'GET', '/api/v1/portfolio', { token: alice })).body as { cash: string; positions: Item[] };
    expect(new Dec(portfolio.cash).eq(new Dec('100000').minus(cost))).toBe(true);
    expect(portfolio.positions).toEqual([expect.objectContaining({ symbol: symbols[0], quantity: expect.stringMatching(/^10(\.0+)?$/) })]);

    await eventually('the fill notification', async () => {
      const list = (await call(gw, 'GET', '/api/v1/notifications', { token: alice })).body.items as Item[];
      return list.some((n) => n.kind === 'order.filled') ? true : undefined;
    });
  });

  it('fills a resting limit order when a new price crosses it, and cancels another', async () => {
    const limit = lastPrice.times('0.5').toDecimalPlaces(2).toFixed();
    const resting = await order(alice, { symbol: symbols[0], side: 'buy', type: 'limit', quantity: '2', limitPrice: limit, timeInForce: 'gtc' });
    const other = await order(alice, { symbol: symbols[0], side: 'buy', type: 'limit', quantity: '1', limitPrice: lastPrice.times('0.4').toDecimalPlaces(2).toFixed(), timeInForce: 'gtc' });
    await eventually('both routed', async () => {
      const s = await Promise.all([resting, other].map(async (o) => (await call(gw, 'GET', `/api/v1/orders/${o.body.id}`, { token: alice })).body.status));
      return s.every((x) => x === 'routed') ? true : undefined;
    });
    expect((await call(gw, 'DELETE', `/api/v1/orders/${other.body.id}`, { token: alice })).status).toBe(202);
    expect((await settled(other.body.id)).status).toBe('cancelled');

    const crossing = lastPrice.times('0.45').toDecimalPlaces(2).toFixed();
    const bars = [{ date: '2026-01-02', open: crossing, high: crossing, low: crossing, close: crossing, volume: 1000 }];
    expect((await call(gw, 'POST', `/api/v1/instruments/${symbols[0]}/bars`, { token: admin, body: bars })).status).toBe(200);
    const filled = await settled(resting.body.id);
    expect(filled.status).toBe('filled');
    // a crossed limit fills at the market (the crossing price plus the default 5 bps of slippage), never above its limit
    const avg = new Dec(String(filled.avgFillPrice));
    expect(avg.gte(crossing) && avg.lte(new Dec(crossing).times('1.0005')) && avg.lte(limit)).toBe(true);
  });

  it('refuses a sell of shares the account does not hold, and lets only one of two concurrent sells of the same shares through (no short selling)', async () => {
    const password = 'seller password 1234';
    await call(gw, 'POST', '/api/v1/auth/register', { body: { email: 'seller@e2e.test', password } });
    const bob = String((await call(gw, 'POST', '/api/v1/auth/login', { body: { email: 'seller@e2e.test', password } })).body.accessToken);
    const naked = await order(bob, { symbol: symbols[2], side: 'sell', type: 'market', quantity: '1', timeInForce: 'day' });
    expect(naked.status).toBe(422);
    expect(naked.body).toMatchObject({ code: 'ORDER.SELL_BEYOND_HOLDINGS', errors: [{ path: 'quantity' }] });

    expect((await call(gw, 'POST', '/api/v1/account/deposits', { token: bob, body: { amount: '100000' } })).status).toBe(201);
    const buy = await order(bob, { symbol: symbols[2], side: 'buy', type: 'market', quantity: '10', timeInForce: 'day' });
    expect((await settled(buy.body.id, bob)).status).toBe('filled');
    const sells = await Promise.all([0, 1].map(() => order(bob, { symbol: symbols[2], side: 'sell', type: 'market', quantity: '10', timeInForce: 'day' })));
    expect(sells.map((s) => s.status).sort()).toEqual([202, 422]);
    const sold = await settled(sells.find((s) => s.status === 202)!.body.id, bob);
    expect(sold.status).toBe('filled');

    const portfolio = (await call(gw, 'GET', '/api/v1/portfolio', { token: bob })).body as { cash: string; reserved: string; positions: Item[] };
    expect(portfolio.positions).toEqual([]);
    const fills = (await call(gw, 'GET', '/api/v1/executions', { token: bob })).body.items as Item[];
    const net = fills.reduce((sum, f) => sum.plus(new Dec(f.quantity).times(f.price).times(f.side === 'sell' ? 1 : -1)), new Dec(0));
    expect(new Dec(portfolio.cash).eq(new Dec(100000).plus(net))).toBe(true);
    expect(new Dec(portfolio.reserved).isZero()).toBe(true);
    // the ledger tells the same story, movement by movement
    const activities = (await call(gw, 'GET', '/api/v1/account/activities', { token: bob })).body.items as Item[];
    expect(activities.map((a) => a.type).sort()).toEqual(['deposit', 'fill', 'fill']);
    expect(new Dec(activities[0]!.balanceAfter).eq(portfolio.cash)).toBe(true);
  });

  it('triggers stops on moving prices: a trailing stop follows the price up and sells on the fall, a stop-loss sells through a gap, a stop-limit buys on the rise', async () => {
    const password = 'stops password 1234';
    await call(gw, 'POST', '/api/v1/auth/register', { body: { email: 'stops@e2e.test', password } });
    const carol = String((await call(gw, 'POST', '/api/v1/auth/login', { body: { email: 'stops@e2e.test', password } })).body.accessToken);
    expect((await call(gw, 'POST', '/api/v1/account/deposits', { token: carol, body: { amount: '1000000' } })).status).toBe(201);
    const s = symbols[1];
    const p = new Dec(((await call(gw, 'GET', `/api/v1/instruments/${s}`, { token: carol })).body as Item).lastPrice);
    const at = (f: string) => p.times(f).toDecimalPlaces(2).toFixed();
    const bar = async (date: string, close: string) =>
      expect((await call(gw, 'POST', `/api/v1/instruments/${s}/bars`, { token: admin, body: [{ date, open: close, high: close, low: close, close, volume: 1000 }] })).status).toBe(200);
    const status = async (id: string) => String((await call(gw, 'GET', `/api/v1/orders/${id}`, { token: carol })).body.status);

    expect((await settled((await order(carol, { symbol: s, side: 'buy', type: 'market', quantity: '6', timeInForce: 'day' })).body.id, carol)).status).toBe('filled');
    const placed = await Promise.all([
      order(carol, { symbol: s, side: 'sell', type: 'stop', quantity: '2', stopPrice: at('0.9'), timeInForce: 'gtc' }),
      order(carol, { symbol: s, side: 'sell', type: 'trailing_stop', quantity: '2', trailPercent: '10', timeInForce: 'gtc' }),
      order(carol, { symbol: s, side: 'buy', type: 'stop_limit', quantity: '1', stopPrice: at('1.3'), limitPrice: at('1.35'), timeInForce: 'gtc' }),
    ]);
    expect(placed.map((o) => o.status)).toEqual([202, 202, 202]);
    const [stop, trailing, stopLimit] = placed.map((o) => o.body.id);
    await eventually('the stops routed', async () => ((await Promise.all(placed.map((o) => status(o.body.id)))).every((x) => x === 'routed') ? true : undefined));

    await bar('2026-02-02', at('1.1')); // the trailing stop's mark rises to 1.1 p: it now triggers at 0.99 p
    await bar('2026-02-03', at('0.95'));
    const trailed = await settled(trailing, carol);
    expect(trailed.status).toBe('filled');
    expect(new Dec(String(trailed.avgFillPrice)).lte(at('0.99'))).toBe(true);
    expect(await status(stop)).toBe('routed'); // 0.95 p is above the stop

    await bar('2026-02-04', at('0.5')); // a gap far through the stop: a stop-loss still gets out, at the market
    const stopped = await settled(stop, carol);
    expect(stopped.status).toBe('filled');
    expect(new Dec(String(stopped.avgFillPrice)).lte(at('0.5'))).toBe(true);
    expect(await status(stopLimit)).toBe('routed');

    await bar('2026-02-05', at('1.32')); // through the buy stop, within its limit
    const bought = await settled(stopLimit, carol);
    expect(bought.status).toBe('filled');
    expect(new Dec(String(bought.avgFillPrice)).gte(at('1.32')) && new Dec(String(bought.avgFillPrice)).lte(at('1.35'))).toBe(true);

    const portfolio = (await call(gw, 'GET', '/api/v1/portfolio', { token: carol })).body as { cash: string; reserved: string; positions: Item[] };
    expect(portfolio.positions).toEqual([expect.objectContaining({ symbol: s, quantity: expect.stringMatching(/^3(\.0+)?$/) })]);
    expect(new Dec(portfolio.reserved).isZero()).toBe(true);
    const fills = (await call(gw, 'GET', '/api/v1/executions', { token: carol })).body.items as Item[];
    const net = fills.reduce((sum, f) => sum.plus(new Dec(f.quantity).times(f.price).times(f.side === 'sell' ? 1 : -1)), new Dec(0));
    expect(new Dec(portfolio.cash).eq(new Dec(1000000).plus(net))).toBe(true);
  });

  it('rejects an order over the account limit and one on a blacklisted symbol, with reasons', async () => {
    const limits = { maxOrderNotional: '50', maxPositionNotional: '1000000', maxOpenOrders: 50, maxOrdersPerDay: 500, allowedSides: ['buy', 'sell'], allowedSymbols: null };
    expect((await call(gw, 'PUT', `/api/v1/risk/limits/${aliceId}`, { token: admin, body: limits })).status).toBe(200);
    const big = await order(alice, { symbol: symbols[1], side: 'buy', type: 'market', quantity: '5', timeInForce: 'day' });
    const rejected = await settled(big.body.id);
    expect(rejected.status).toBe('rejected');
    expect(String(rejected.rejectReason)).toMatch(/max_order_notional/);
    await call(gw, 'PUT', `/api/v1/risk/limits/${aliceId}`, { token: admin, body: { ...limits, maxOrderNotional: '1000000' } });

    expect((await call(gw, 'POST', '/api/v1/blacklist', { token: admin, body: { symbol: symbols[2], reason: 'e2e' } })).status).toBe(201);
    const banned = await eventually('the blacklist to reach risk', async () => {
      const r = await settled((await order(alice, { symbol: symbols[2], side: 'buy', type: 'market', quantity: '1', timeInForce: 'day' })).body.id);
      return r.status === 'rejected' ? r : undefined;
    });
    expect(String(banned.rejectReason)).toMatch(/blacklist/);
  });

  it("answers 404 for another user's order and replays the same idempotency key", async () => {
    const key = randomUUID();
    const body = { symbol: symbols[3], side: 'buy', type: 'market', quantity: '1', timeInForce: 'day' };
    const first = await order(alice, body, key);
    expect((await order(alice, body, key)).body.id).toBe(first.body.id);
    expect((await order(alice, { ...body, quantity: '2' }, key)).status).toBe(409);
    await call(gw, 'POST', '/api/v1/auth/register', { body: { email: 'mallory@e2e.test', password: 'mallory password 1' } });
    const mallory = String((await call(gw, 'POST', '/api/v1/auth/login', { body: { email: 'mallory@e2e.test', password: 'mallory password 1' } })).body.accessToken);
    expect((await call(gw, 'GET', `/api/v1/orders/${first.body.id}`, { token: mallory })).status).toBe(404);
  });
});
