import { randomUUID } from 'node:crypto';
import { Dec } from '@alphintra/money';
import { ADMIN, call, eventually, startE2ePlatform, type E2ePlatform } from './platform-e2e';

type Item = Record<string, string>;
type VenueOrder = { side: 'buy' | 'sell'; worstPrice: string | null; executions: { kind: string; quantity: string | null; price: string | null; reason: string | null }[] };

/**
 * The three defects a hostile user found on a clean platform, through the gateway: a sell of 10^12
 * shares at 0.00000001 that killed the broker (3), a buy limit at twice the market that filled at
 * twice the market (4), and a market buy at maximum slippage that drove cash negative (5).
 * BROKER_PAPER_MAX_FILL_QUANTITY=1 makes every order of more than 10 shares one the venue would
 * once have reported in as many messages as it has shares.
 */
describe('money at the venue: prices that cannot surprise', () => {
  let platform: E2ePlatform;
  let gw: string;
  let trader: string;
  let admin: string;
  let symbols: string[];
  let day = 1;

  const d = (v: string | null | undefined) => (v === null || v === undefined ? v : new Dec(v).toFixed());
  const get = async (path: string) => (await call(gw, 'GET', path, { token: trader })).body;
  const portfolio = async () => (await get('/api/v1/portfolio')) as { cash: string; reserved: string; buyingPower: string; positions: Item[] };
  const order = async (body: Record<string, unknown>) => {
    const r = await fetch(`${gw}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${trader}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({ timeInForce: 'gtc', ...body }),
    });
    return { status: r.status, body: (await r.json()) as Item };
  };
  const settled = (id: string) =>
    eventually(`order ${id} to settle`, async () => {
      const o = await get(`/api/v1/orders/${id}`);
      return ['filled', 'rejected', 'cancelled', 'expired'].includes(String(o.status)) ? (o as Item) : undefined;
    }, 60_000);
  const placed = async (body: Record<string, unknown>) => {
    const r = await order(body);
    expect(r.status).toBe(202);
    return settled(r.body.id!);
  };
  const venueOrder = async (orderId: string) => ((await get(`/api/v1/broker/venue-orders?orderId=${orderId}`)).items as unknown as VenueOrder[])[0]!;
  const executionsOf = async (orderId: string) => ((await get('/api/v1/executions?limit=500')).items as Item[]).filter((e) => e.orderId === orderId);
  const slippage = (slippageBps: number) => call(gw, 'PUT', '/api/v1/broker/settings', { token: trader, body: { defaultConnectionId: null, slippageBps } });
  /** A new last price for `symbol`, as a session bar after every other (the demo data ends 2025-12-31). */
  const price = async (symbol: string, p: string) => {
    const date = `2026-02-${String(day++).padStart(2, '0')}`;
    const bars = [{ date, open: p, high: p, low: p, close: p, volume: 1000 }];
    expect((await call(gw, 'POST', `/api/v1/instruments/${symbol}/bars`, { token: admin, body: bars })).status).toBe(200);
  };
  /** Until trading values the position at `p`: trading (and, on the same topic, the broker) has the price. */
  const known = (symbol: string, p: string) =>
    eventually(`trading to know ${symbol} at ${p}`, async () => (d((await portfolio()).positions.find((x) => x.symbol === symbol)?.marketPrice) === p ? true : undefined));
  const brokerReady = async () => {
    const health = (await fetch(`${gw}/health`).then((r) => r.json())) as { services: Record<string, { status: string; httpStatus?: number }> };
    return health.services.broker;
  };

  beforeAll(async () => {
    platform = await startE2ePlatform('e2e-money-venue', 55_461, 19_420, ['gateway', 'auth', 'strategy', 'trading', 'risk', 'broker'], {
      env: { BROKER_PAPER_MAX_FILL_QUANTITY: '1' },
    });
    gw = platform.url;
    const password = 'venue trader password 1';
    await call(gw, 'POST', '/api/v1/auth/register', { body: { email: 'venue@e2e.test', password } });
    trader = String((await call(gw, 'POST', '/api/v1/auth/login', { body: { email: 'venue@e2e.test', password } })).body.accessToken);
    admin = String((await call(gw, 'POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken);
    symbols = ((await call(gw, 'GET', '/api/v1/instruments?limit=3', { token: trader })).body.items as Item[]).map((i) => i.symbol!);
    expect((await call(gw, 'POST', '/api/v1/portfolio/deposits', { token: trader, body: { amount: '100000' } })).status).toBe(201);
    expect((await slippage(10)).status).toBe(200);
    // Each symbol at a known price, and a first share of it (once trading knows the symbol).
    for (const [symbol, p] of [
      [symbols[0]!, '100'],
      [symbols[1]!, '50'],
      [symbols[2]!, '10'],
    ] as const) {
      await price(symbol, p);
      await eventually(`a first ${symbol} share`, async () => {
        const r = await order({ symbol, side: 'buy', type: 'market', quantity: '1' });
        return r.status === 202 && (await settled(r.body.id!)).status === 'filled' ? true : undefined;
      });
      await known(symbol, p);
    }
  }, 300_000);
  afterAll(() => platform?.stop());

  it('fills a buy limit at twice the market at the market plus slippage, and a sell limit at half of it at the market minus slippage (defect 4)', async () => {
    const [a] = symbols;
    const before = new Dec((await portfolio()).cash);
    const buy = await placed({ symbol: a, side: 'buy', type: 'limit', quantity: '10', limitPrice: '200' });
    expect({ status: buy.status, avgFillPrice: d(buy.avgFillPrice) }).toEqual({ status: 'filled', avgFillPrice: '100.1' }); // 100 + 10 bps, not 200
    expect(await venueOrder(buy.id!)).toMatchObject({ worstPrice: '200' });
    const sell = await placed({ symbol: a, side: 'sell', type: 'limit', quantity: '5', limitPrice: '50' });
    expect({ status: sell.status, avgFillPrice: d(sell.avgFillPrice) }).toEqual({ status: 'filled', avgFillPrice: '99.9' }); // 100 - 10 bps, not 50
    expect(await venueOrder(sell.id!)).toMatchObject({ worstPrice: '50' });
    const after = await portfolio();
    expect(new Dec(after.cash).eq(before.minus('1001').plus('499.5'))).toBe(true);
    expect(new Dec(after.reserved).isZero()).toBe(true);
  });

  it('refuses slippage above the cap, and a market buy of most of the cash never fills beyond its reservation: cash never goes negative (defect 5)', async () => {
    const b = symbols[1]!;
    const refused = await slippage(10_000);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'BROKER.SLIPPAGE_TOO_HIGH' });
    expect((await get('/api/v1/broker/settings')).slippageBps).toBe(10);

    expect((await slippage(500)).status).toBe(200); // the cap: 5 %, beyond trading's 1 % market-order protection
    const before = await portfolio();
    const quantity = new Dec(before.buyingPower).times('0.98').div('50.5').floor().toFixed();
    const protectedBuy = await placed({ symbol: b, side: 'buy', type: 'market', quantity });
    expect({ status: protectedBuy.status, filledQuantity: d(protectedBuy.filledQuantity) }).toEqual({ status: 'cancelled', filledQuantity: '0' });
    const vo = await venueOrder(protectedBuy.id!);
    expect(vo.worstPrice).toBe('50.5');
    expect(vo.executions).toEqual([expect.objectContaining({ kind: 'cancelled', quantity: null, reason: "market price 52.5 is beyond the order's worst price 50.5" })]);
    const untouched = await portfolio();
    expect({ cash: untouched.cash, reserved: new Dec(untouched.reserved).toFixed() }).toEqual({ cash: before.cash, reserved: '0' });

    expect((await slippage(50)).status).toBe(200); // within the protection: it fills, at 50.25
    const buy = await placed({ symbol: b, side: 'buy', type: 'market', quantity });
    expect({ status: buy.status, avgFillPrice: d(buy.avgFillPrice) }).toEqual({ status: 'filled', avgFillPrice: '50.25' });
    expect(await executionsOf(buy.id!)).toHaveLength(10); // BROKER_PAPER_MAX_FILLS_PER_EVENT, whatever the quantity
    const after = await portfolio();
    expect(new Dec(after.cash).eq(new Dec(before.cash).minus(new Dec(quantity).times('50.25')))).toBe(true);
    expect(new Dec(after.cash).gte(0)).toBe(true);
    expect(new Dec(after.reserved).isZero()).toBe(true);
    expect((await slippage(10)).status).toBe(200);
  });

  it('refuses the sell of 10^12 shares at 0.00000001, fills a sell far below the market at the market in a bounded number of reports, and the broker stays ready (defect 3)', async () => {
    const c = symbols[2]!;
    const buy = await placed({ symbol: c, side: 'buy', type: 'market', quantity: '50' });
    expect({ status: buy.status, avgFillPrice: d(buy.avgFillPrice) }).toEqual({ status: 'filled', avgFillPrice: '10.01' });
    expect((await executionsOf(buy.id!)).map((e) => d(e.quantity)).sort()).toEqual([...Array(9).fill('1'), '41']); // in whatever order trading lists them
    const cash = (await portfolio()).cash;

    const hostile = await order({ symbol: c, side: 'sell', type: 'limit', quantity: '1000000000000', limitPrice: '0.00000001' });
    if (hostile.status === 202) {
      // Refused by risk, if trading let it through: valued at the market it is 10^13, over every cap, and beyond the 51 shares held.
      const settledHostile = await settled(hostile.body.id!);
      expect(settledHostile.status).toBe('rejected');
      expect(settledHostile.rejectReason).toMatch(/platform_max_order_quantity|sell_within_holdings|quantity|shares/);
    } else {
      expect(hostile.status).toBe(422);
    }
    expect(await brokerReady()).toMatchObject({ status: 'up', httpStatus: 200 });

    const sell = await placed({ symbol: c, side: 'sell', type: 'limit', quantity: '50', limitPrice: '0.00000001' });
    expect({ status: sell.status, avgFillPrice: d(sell.avgFillPrice) }).toEqual({ status: 'filled', avgFillPrice: '9.99' });
    expect(await executionsOf(sell.id!)).toHaveLength(10);
    expect(new Dec((await portfolio()).cash).eq(new Dec(cash).plus('499.5'))).toBe(true);
    expect(await brokerReady()).toMatchObject({ status: 'up', httpStatus: 200 });
  });

  it('balances the books: cash is the deposit less buys plus sells, never negative, and every fill is within its order\'s worst price', async () => {
    const fills = (await get('/api/v1/executions?limit=500')).items as Item[];
    const cash = fills.reduce((sum, f) => (f.side === 'buy' ? sum.minus(new Dec(f.quantity!).times(f.price!)) : sum.plus(new Dec(f.quantity!).times(f.price!))), new Dec('100000'));
    const p = await portfolio();
    expect(new Dec(p.cash).eq(cash)).toBe(true);
    expect(new Dec(p.cash).gte(0)).toBe(true);
    for (const orderId of new Set(fills.map((f) => f.orderId!))) {
      const vo = await venueOrder(orderId);
      expect(vo.worstPrice).not.toBeNull();
      for (const e of vo.executions.filter((x) => x.kind === 'fill')) {
        expect(vo.side === 'buy' ? new Dec(e.price!).lte(vo.worstPrice!) : new Dec(e.price!).gte(vo.worstPrice!)).toBe(true);
      }
    }
  });
});
