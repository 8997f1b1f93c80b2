import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { AssessmentApproved, AssessmentRejected, BlacklistAdded, ExecutionReported, OrderCancelRequested, OrderExpired, type EventData } from '@alphintra/contracts';
import { Dec } from '@alphintra/money';
import { ExpiryService } from '../orders/expiry.service';
import { executionReport, startTradingService, type TradingServiceFixture } from '../testing/trading-service.fixture';

const dec = (v: unknown) => new Dec(String(v));

describe('money invariants on PostgreSQL: the ledger is the only owner of cash and shares', () => {
  let f: TradingServiceFixture;

  const place = (as: string, body: Record<string, unknown>) =>
    f.api('POST', '/api/v1/orders', { as, body: { symbol: 'AAPL', timeInForce: 'gtc', ...body }, headers: { 'idempotency-key': randomUUID() } });
  const decide = async (o: { id: string }, userId: string, approve: boolean) => {
    const base = { assessmentId: randomUUID(), orderId: o.id, userId, rules: [], assessedAt: new Date().toISOString() };
    await f.consumed(approve ? await f.publish(AssessmentApproved, o.id, base) : await f.publish(AssessmentRejected, o.id, { ...base, reasons: ['no'] }));
  };
  const report = async (o: { id: string; side: string }, userId: string, r: Partial<EventData<typeof ExecutionReported>>, eventId?: string) => {
    const data = executionReport({ orderId: o.id, userId, side: o.side as 'buy' | 'sell' }, r);
    await f.consumed(await f.publish(ExecutionReported, o.id, data, { id: eventId }));
    return data;
  };
  const fill = (o: { id: string; side: string }, userId: string, quantity: string, price: string) => report(o, userId, { quantity, price });
  const deposit = (as: string, amount: string) => f.api('POST', '/api/v1/account/deposits', { as, body: { amount } });
  const books = async (userId: string) => {
    const [a] = await f.sql<{ cash: string; reserved: string }>(`select "cash"::text, "reserved"::text from "trading_data"."account" where "user_id" = ?`, [userId]);
    const [p] = await f.sql<{ quantity: string; reserved: string }>(`select "quantity"::text, "reserved"::text from "trading_data"."position" where "user_id" = ? and "symbol" = 'AAPL'`, [userId]);
    return { cash: dec(a?.cash ?? 0), reservedCash: dec(a?.reserved ?? 0), shares: dec(p?.quantity ?? 0), reservedShares: dec(p?.reserved ?? 0) };
  };
  /** 10 shares at 100, bought and filled. */
  const holder = async () => {
    const u = randomUUID();
    await deposit(u, '10000');
    const buy = (await place(u, { side: 'buy', type: 'limit', quantity: '10', limitPrice: '100' })).body;
    await decide(buy, u, true);
    await fill(buy, u, '10', '100');
    return u;
  };

  beforeAll(async () => {
    f = await startTradingService();
    await f.list('AAPL', '100');
  });
  afterAll(async () => {
    await f?.close();
  });

  it('refuses a sell of shares not held (defect 1), writing nothing', async () => {
    const u = randomUUID();
    const before = await f.snapshot();
    const r = await place(u, { side: 'sell', type: 'market', quantity: '1' });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'ORDER.SELL_BEYOND_HOLDINGS', errors: [{ path: 'quantity' }] });
    const { inbox: _i, ...rest } = await f.snapshot();
    const { inbox: _j, ...was } = before;
    // the account and a flat position may be created by the lock; no order, no movement
    expect(rest.order).toBe(was.order);
    expect(rest.activity).toBe(was.activity);
  });

  it('lets exactly one of two concurrent sells of the same 10 shares through (defect 2)', async () => {
    const u = await holder();
    const both = await Promise.all([0, 1].map(() => place(u, { side: 'sell', type: 'market', quantity: '10' })));
    expect(both.map((r) => r.status).sort()).toEqual([202, 422]);
    expect(await books(u)).toMatchObject({ shares: dec(10), reservedShares: dec(10) });
    const sell = both.find((r) => r.status === 202)!.body;
    await decide(sell, u, true);
    await fill(sell, u, '10', '99.5');
    const after = await books(u);
    expect([after.shares.toFixed(), after.reservedShares.toFixed(), after.cash.toFixed()]).toEqual(['0', '0', String(10000 - 1000 + 995)]);
  });

  it('books no fill beyond the worst acceptable price, nor a second copy of one', async () => {
    const u = randomUUID();
    await deposit(u, '1000');
    const buy = (await place(u, { side: 'buy', type: 'limit', quantity: '5', limitPrice: '100' })).body;
    await decide(buy, u, true);
    const before = await f.snapshot();
    await fill(buy, u, '5', '200'); // what defect 4 did
    const { inbox: _a, ...now } = await f.snapshot();
    const { inbox: _b, ...was } = before;
    expect(now).toEqual(was);
    const ok = await fill(buy, u, '5', '99');
    await report(buy, u, ok, randomUUID()); // the same execution again, under another event id
    const b = await books(u);
    expect([b.cash.toFixed(), b.reservedCash.toFixed(), b.shares.toFixed()]).toEqual(['505', '0', '5']);
  });

  it('keeps a buy whose buying power was negative at placement from the venue, whatever risk says', async () => {
    const u = randomUUID();
    await deposit(u, '100');
    const buy = (await place(u, { side: 'buy', type: 'limit', quantity: '2', limitPrice: '100' })).body;
    await decide(buy, u, true);
    const o = (await f.api('GET', `/api/v1/orders/${buy.id}`, { as: u })).body;
    expect(o).toMatchObject({ status: 'rejected', rejectReason: expect.stringMatching(/^buying_power: -100 below 0/) });
    expect(await books(u)).toMatchObject({ cash: dec(100), reservedCash: dec(0) });
  });

  it('refuses a withdrawal beyond the cash no open buy holds (422), and records the rest in the ledger', async () => {
    const u = randomUUID();
    await deposit(u, '1000');
    await place(u, { side: 'buy', type: 'limit', quantity: '6', limitPrice: '100' });
    const tooMuch = await f.api('POST', '/api/v1/account/withdrawals', { as: u, body: { amount: '400.01' } });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body).toMatchObject({ code: 'ACCOUNT.WITHDRAWAL_BEYOND_FREE_CASH', errors: [{ path: 'amount' }] });
    const ok = await f.api('POST', '/api/v1/account/withdrawals', { as: u, body: { amount: '400' } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ cash: '600', buyingPower: '0' });
    const acts = (await f.api('GET', '/api/v1/account/activities', { as: u })).body.items as Record<string, unknown>[];
    expect(acts.map((a) => [a.type, a.amount, a.balanceAfter])).toEqual([
      ['withdrawal', '-400', '600'],
      ['deposit', '1000', '1000'],
    ]);
  });

  it('refuses, in the database too, any write that breaks an invariant', async () => {
    const u = await holder();
    const refused = async (sql: string) => {
      await expect(f.sql(sql, [u])).rejects.toThrow(/violates check constraint/);
    };
    await refused(`update "trading_data"."account" set "cash" = -0.01 where "user_id" = ?`);
    await refused(`update "trading_data"."account" set "reserved" = -1 where "user_id" = ?`);
    await refused(`update "trading_data"."position" set "quantity" = -1 where "user_id" = ?`);
    await refused(`update "trading_data"."position" set "reserved" = "quantity" + 1 where "user_id" = ?`);
    await refused(`update "trading_data"."order" set "filled_quantity" = "quantity" + 1 where "user_id" = ?`);
    await refused(`update "trading_data"."order" set "avg_fill_price" = "worst_price" + 1 where "user_id" = ? and "side" = 'buy'`);
  });

  it('expires DAY orders at their session close: a pending one at once, one at the venue when the venue confirms', async () => {
    const u = await holder();
    const day = (body: Record<string, unknown>) => place(u, { ...body, timeInForce: 'day' });
    const pending = (await day({ side: 'buy', type: 'limit', quantity: '1', limitPrice: '50' })).body;
    const resting = (await day({ side: 'sell', type: 'limit', quantity: '4', limitPrice: '150' })).body;
    await decide(resting, u, true);
    expect(pending.expiresAt).toEqual(expect.any(String));
    const close = new Date(pending.expiresAt);
    const expiry = f.svc.app.get(ExpiryService);
    expect(await expiry.expireDue(new Date(close.getTime() - 1000))).toBe(0);
    expect(await expiry.expireDue(close)).toBe(2);
    expect((await f.api('GET', `/api/v1/orders/${pending.id}`, { as: u })).body.status).toBe('expired');
    expect((await f.eventsOf(OrderExpired.type, pending.id))[0]!.data).toMatchObject({ filledQuantity: '0' });
    expect((await f.api('GET', `/api/v1/orders/${resting.id}`, { as: u })).body.status).toBe('cancel_requested');
    expect((await f.eventsOf(OrderCancelRequested.type, resting.id))[0]!.data).toMatchObject({ reason: 'day order expired' });
    await report(resting, u, { kind: 'cancelled', reason: 'cancel requested', reportedAt: close.toISOString() });
    expect((await f.api('GET', `/api/v1/orders/${resting.id}`, { as: u })).body.status).toBe('expired');
    expect(await books(u)).toMatchObject({ reservedCash: dec(0), reservedShares: dec(0), shares: dec(10) });
  });

  it('cancels the open orders of a symbol when it is blacklisted, releasing their reservations', async () => {
    const u = await holder();
    const a = (await place(u, { side: 'buy', type: 'limit', quantity: '1', limitPrice: '90' })).body;
    const b = (await place(u, { side: 'sell', type: 'limit', quantity: '3', limitPrice: '120' })).body;
    await decide(b, u, true);
    await f.consumed(await f.publish(BlacklistAdded, 'AAPL', { symbol: 'AAPL', reason: 'halted by compliance' }));
    expect((await f.api('GET', `/api/v1/orders/${a.id}`, { as: u })).body).toMatchObject({ status: 'cancelled', history: expect.arrayContaining([expect.objectContaining({ reason: 'AAPL was blacklisted' })]) });
    expect((await f.api('GET', `/api/v1/orders/${b.id}`, { as: u })).body.status).toBe('cancel_requested');
    await report(b, u, { kind: 'cancelled', reason: 'cancel requested' });
    expect(await books(u)).toMatchObject({ reservedCash: dec(0), reservedShares: dec(0) });
  });

  /**
   * Random interleavings through the real service (HTTP placements, cancels, deposits and
   * withdrawals; risk decisions and venue reports as Kafka events, some delivered twice): after
   * each sequence the account's books equal its movements and its open orders' holds.
   */
  it('keeps the books equal to the movements under random interleavings, with redeliveries', async () => {
    const step = fc.oneof(
      fc.record({ t: fc.constant('deposit' as const), amount: fc.integer({ min: 1, max: 5000 }) }),
      fc.record({ t: fc.constant('withdraw' as const), amount: fc.integer({ min: 1, max: 5000 }) }),
      fc.record({ t: fc.constant('place' as const), side: fc.constantFrom('buy', 'sell'), qty: fc.integer({ min: 1, max: 20 }), limit: fc.integer({ min: 90, max: 110 }) }),
      fc.record({ t: fc.constant('risk' as const), i: fc.nat(), approve: fc.boolean() }),
      fc.record({ t: fc.constant('fill' as const), i: fc.nat(), qty: fc.integer({ min: 1, max: 20 }), price: fc.integer({ min: 85, max: 115 }), twice: fc.boolean() }),
      fc.record({ t: fc.constant('cancel' as const), i: fc.nat() }),
      fc.record({ t: fc.constant('venue_cancel' as const), i: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25, size: 'max' }), async (steps) => {
        const u = randomUUID();
        const orders: { id: string; side: string }[] = [];
        for (const s of steps) {
          const o = orders.length ? orders[('i' in s ? s.i : 0) % orders.length]! : undefined;
          if (s.t === 'deposit') await deposit(u, String(s.amount));
          else if (s.t === 'withdraw') expect([201, 422]).toContain((await f.api('POST', '/api/v1/account/withdrawals', { as: u, body: { amount: String(s.amount) } })).status);
          else if (s.t === 'place') {
            const r = await place(u, { side: s.side, type: 'limit', quantity: String(s.qty), limitPrice: String(s.limit) });
            expect([202, 422]).toContain(r.status);
            if (r.status === 202) orders.push(r.body);
          } else if (!o) continue;
          else if (s.t === 'risk') await decide(o, u, s.approve);
          else if (s.t === 'cancel') expect([202, 409]).toContain((await f.api('DELETE', `/api/v1/orders/${o.id}`, { as: u })).status);
          else if (s.t === 'venue_cancel') await report(o, u, { kind: 'cancelled', reason: 'venue' });
          else {
            const r = await fill(o, u, String(s.qty), String(s.price));
            if (s.twice) await report(o, u, r, randomUUID());
          }
        }
        const [a] = await f.sql<{ cash: string; reserved: string }>(`select "cash"::text, "reserved"::text from "trading_data"."account" where "user_id" = ?`, [u]);
        if (!a) return;
        const [sums] = await f.sql<{ moved: string | null; held: string | null; shares: string | null; pos: string | null; pos_reserved: string | null; sell_held: string | null; terminal_holding: string }>(
          `select (select sum("amount")::text from "trading_data"."activity" where "user_id" = $1) as "moved",
                  (select sum("reserved")::text from "trading_data"."order" where "user_id" = $1 and "status" not in ('filled', 'rejected', 'cancelled', 'expired')) as "held",
                  (select sum(case when "side" = 'buy' then "quantity" else -"quantity" end)::text from "trading_data"."execution" where "user_id" = $1) as "shares",
                  (select "quantity"::text from "trading_data"."position" where "user_id" = $1 and "symbol" = 'AAPL') as "pos",
                  (select "reserved"::text from "trading_data"."position" where "user_id" = $1 and "symbol" = 'AAPL') as "pos_reserved",
                  (select sum("reserved_shares")::text from "trading_data"."order" where "user_id" = $1 and "status" not in ('filled', 'rejected', 'cancelled', 'expired')) as "sell_held",
                  (select count(*)::text from "trading_data"."order" where "user_id" = $1 and "status" in ('filled', 'rejected', 'cancelled', 'expired') and ("reserved" <> 0 or "reserved_shares" <> 0)) as "terminal_holding"`.replace(/\$1/g, '?'),
          Array(7).fill(u),
        );
        expect(dec(a.cash).gte(0)).toBe(true);
        expect(dec(a.cash).eq(dec(sums!.moved ?? 0))).toBe(true);
        expect(dec(a.reserved).eq(dec(sums!.held ?? 0))).toBe(true);
        expect(dec(sums!.pos ?? 0).eq(dec(sums!.shares ?? 0))).toBe(true);
        expect(dec(sums!.pos_reserved ?? 0).eq(dec(sums!.sell_held ?? 0))).toBe(true);
        expect(sums!.terminal_holding).toBe('0');
      }),
      { numRuns: 25 },
    );
  }, 300_000);
});
