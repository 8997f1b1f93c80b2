import { randomUUID } from 'node:crypto';
import { AccountStateChanged, AssessmentApproved, ExecutionReported, OrderCancelRequested, OrderSubmitted } from '@alphintra/contracts';
import { executionReport, startTradingService, type TradingServiceFixture } from '../testing/trading-service.fixture';

describe('positions, closing them, cancelling every order, and the account', () => {
  let f: TradingServiceFixture;

  const place = (as: string, body: Record<string, unknown>) =>
    f.api('POST', '/api/v1/orders', { as, body: { symbol: 'AAPL', timeInForce: 'gtc', ...body }, headers: { 'idempotency-key': randomUUID() } });
  const approve = async (id: string, userId: string) =>
    f.consumed(await f.publish(AssessmentApproved, id, { assessmentId: randomUUID(), orderId: id, userId, rules: [], assessedAt: new Date().toISOString() }));
  const fill = async (id: string, userId: string, side: 'buy' | 'sell', quantity: string, price: string) => {
    await f.consumed(await f.publish(ExecutionReported, id, executionReport({ orderId: id, userId, side }, { quantity, price, cumulativeQuantity: quantity })));
  };
  const holder = async () => {
    const u = randomUUID();
    await f.api('POST', '/api/v1/account/deposits', { as: u, body: { amount: '10000' } });
    const buy = (await place(u, { side: 'buy', type: 'limit', quantity: '10', limitPrice: '100' })).body;
    await approve(buy.id, u);
    await fill(buy.id, u, 'buy', '10', '100');
    return u;
  };

  beforeAll(async () => {
    f = await startTradingService();
    await f.list('AAPL', '110');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('shows a position valued at the market, and the account', async () => {
    const u = await holder();
    expect((await f.api('GET', '/api/v1/positions', { as: u })).body).toEqual([
      {
        symbol: 'AAPL',
        quantity: '10',
        availableQuantity: '10',
        avgEntryPrice: '100',
        marketPrice: '110',
        marketValue: '1100',
        costBasis: '1000',
        unrealizedPnl: '100',
        unrealizedPnlPct: '10',
        realizedPnl: '0',
      },
    ]);
    expect((await f.api('GET', '/api/v1/positions/AAPL', { as: u })).body).toMatchObject({ symbol: 'AAPL', quantity: '10' });
    expect((await f.api('GET', '/api/v1/positions/MSFT', { as: u })).status).toBe(404);
    expect((await f.api('GET', '/api/v1/positions/AAPL', { as: randomUUID() })).status).toBe(404);
    expect((await f.api('GET', '/api/v1/account', { as: u })).body).toEqual({
      cash: '9000',
      reservedCash: '0',
      buyingPower: '9000',
      longMarketValue: '1100',
      equity: '10100',
      status: 'active',
      haltReason: null,
    });
  });

  it('closes part of a position by percentage, then the rest, with market sells of the free shares only', async () => {
    const u = await holder();
    const part = await f.api('DELETE', '/api/v1/positions/AAPL?percentage=25', { as: u });
    expect(part.status).toBe(202);
    expect(part.body).toMatchObject({ side: 'sell', type: 'market', quantity: '2.5', status: 'pending_risk' });
    expect((await f.eventsOf(OrderSubmitted.type, part.body.id))[0]!.data).toMatchObject({ side: 'sell', quantity: '2.5', availableQuantity: '10' });
    const rest = await f.api('DELETE', '/api/v1/positions/AAPL', { as: u });
    expect(rest.body).toMatchObject({ quantity: '7.5' });
    const none = await f.api('DELETE', '/api/v1/positions/AAPL', { as: u });
    expect(none.status).toBe(422);
    expect(none.body.code).toBe('POSITION.NOTHING_TO_CLOSE');
    expect((await f.api('GET', '/api/v1/positions/AAPL', { as: u })).body).toMatchObject({ quantity: '10', availableQuantity: '0' });
    expect((await f.api('DELETE', '/api/v1/positions', { as: u })).body).toEqual([]);
    expect((await f.api('DELETE', '/api/v1/positions/AAPL?quantity=1&percentage=5', { as: u })).status).toBe(400);
    expect((await f.api('DELETE', '/api/v1/positions/AAPL', { as: randomUUID() })).body.code).toBe('POSITION.NOT_FOUND'); // 404: holds none
  });

  it('cancels every open order at once: pending ones at once, routed ones through the venue', async () => {
    const u = await holder();
    const pending = (await place(u, { side: 'buy', type: 'limit', quantity: '1', limitPrice: '90' })).body;
    const routed = (await place(u, { side: 'sell', type: 'limit', quantity: '5', limitPrice: '130' })).body;
    await approve(routed.id, u);
    const r = await f.api('DELETE', '/api/v1/orders', { as: u });
    expect(r.status).toBe(207);
    expect(r.body).toEqual(expect.arrayContaining([{ id: pending.id, status: 'cancelled' }, { id: routed.id, status: 'cancel_requested' }]));
    expect(r.body).toHaveLength(2);
    expect(await f.eventsOf(OrderCancelRequested.type, routed.id)).toHaveLength(1);
    expect((await f.api('GET', '/api/v1/account', { as: u })).body).toMatchObject({ reservedCash: '0' });
  });

  it('follows risk’s kill switch: a halt refuses placements, cancels open orders and flattens; an older state changes nothing; a resume lets orders in', async () => {
    const u = await holder();
    const open = (await place(u, { side: 'buy', type: 'limit', quantity: '1', limitPrice: '90' })).body;
    const state = (version: number, s: 'active' | 'reduce_only' | 'halted', o: { cancelOpenOrders?: boolean; flatten?: boolean } = {}) =>
      f.publish(AccountStateChanged, u, {
        userId: u,
        state: s,
        previousState: 'active',
        reason: `test ${s}`,
        trigger: 'owner',
        actor: u,
        cancelOpenOrders: o.cancelOpenOrders ?? false,
        flatten: o.flatten ?? false,
        version,
        at: new Date().toISOString(),
      });
    await f.consumed(await state(2, 'halted', { cancelOpenOrders: true, flatten: true }));
    expect((await f.api('GET', `/api/v1/orders/${open.id}`, { as: u })).body.status).toBe('cancelled');
    const flattening = ((await f.api('GET', '/api/v1/orders', { as: u })).body.items as { side: string; type: string; quantity: string; status: string }[]).filter((o) => o.side === 'sell');
    expect(flattening).toEqual([expect.objectContaining({ type: 'market', quantity: '10', status: 'pending_risk' })]);
    const refused = await place(u, { side: 'buy', type: 'limit', quantity: '1', limitPrice: '90' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'ACCOUNT.HALTED', detail: expect.stringContaining('test halted') });
    expect((await f.api('GET', '/api/v1/account', { as: u })).body).toMatchObject({ status: 'halted', haltReason: 'test halted' });

    await f.consumed(await state(1, 'active')); // older: ignored
    expect((await f.api('GET', '/api/v1/account', { as: u })).body.status).toBe('halted');
    await f.consumed(await state(3, 'reduce_only'));
    expect((await place(u, { side: 'buy', type: 'limit', quantity: '1', limitPrice: '90' })).body.code).toBe('ACCOUNT.REDUCE_ONLY');
    await f.consumed(await state(4, 'active'));
    expect((await place(u, { side: 'buy', type: 'limit', quantity: '1', limitPrice: '90' })).status).toBe(202);
    expect((await f.api('GET', '/api/v1/account', { as: u })).body).toMatchObject({ status: 'active', haltReason: null });
  });

  it('writes a month’s statement as CSV that adds up to the ledger', async () => {
    const u = await holder();
    await f.api('POST', '/api/v1/account/withdrawals', { as: u, body: { amount: '500' } });
    const month = new Date().toISOString().slice(0, 7);
    const r = await fetch(`${f.svc.url}/api/v1/account/statements/${month}.csv`, { headers: { authorization: f.bearer(u) } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = (await r.text()).trim().split('\r\n').map((l) => l.split(','));
    expect(rows[0]).toEqual(['record', 'at', 'type', 'symbol', 'side', 'quantity', 'price', 'amount', 'balance_after', 'order_id', 'execution_id']);
    expect(rows.map((c) => [c[0], c[2], c[3], c[5], c[7], c[8]])).toEqual([
      ['record', 'type', 'symbol', 'quantity', 'amount', 'balance_after'],
      ['opening_cash', '', '', '', '', '0'],
      ['activity', 'deposit', '', '', '10000', '10000'],
      ['activity', 'fill', 'AAPL', '10', '-1000', '9000'],
      ['activity', 'withdrawal', '', '', '-500', '8500'],
      ['position', '', 'AAPL', '10', '', ''],
      ['closing_cash', '', '', '', '', '8500'],
    ]);
    const empty = await fetch(`${f.svc.url}/api/v1/account/statements/2025-01.csv`, { headers: { authorization: f.bearer(u) } });
    expect((await empty.text()).trim().split('\r\n').map((l) => l.split(',')[0])).toEqual(['record', 'opening_cash', 'closing_cash']);
    for (const bad of ['2025-13', '0000-01', '1969-12']) expect((await fetch(`${f.svc.url}/api/v1/account/statements/${bad}.csv`, { headers: { authorization: f.bearer(u) } })).status).toBe(400); // 0000 was a 500 the fuzzer found
  });
});
