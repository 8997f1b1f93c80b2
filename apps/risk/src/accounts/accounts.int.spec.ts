import { randomUUID } from 'node:crypto';
import { AccountStateChanged, AssessmentApproved, AssessmentRejected, OrderSubmitted, PositionChanged, PriceUpdated } from '@alphintra/contracts';
import { startRiskService, type RiskServiceFixture } from '../testing/risk-service.fixture';

const limits = { maxOrderNotional: '100000', maxPositionNotional: '1000000', maxOpenOrders: 50, maxOrdersPerDay: 100, allowedSides: ['buy', 'sell'], allowedSymbols: null };

describe('account states: the kill switch, compliance halts and loss limits', () => {
  let f: RiskServiceFixture;
  const officer = randomUUID();
  const asOfficer = { as: officer, roles: ['compliance' as const] };

  const submit = async (userId: string, o: { side?: 'buy' | 'sell'; symbol?: string; quantity?: string } = {}) => {
    const data = {
      orderId: randomUUID(),
      userId,
      symbol: o.symbol ?? 'AAPL',
      side: o.side ?? 'buy',
      type: 'limit' as const,
      quantity: o.quantity ?? '1',
      limitPrice: '100',
      timeInForce: 'day' as const,
      referencePrice: '100',
      buyingPower: '100000',
      submittedAt: new Date().toISOString(),
    };
    await f.consumed(await f.publish(OrderSubmitted, data.orderId, data));
    return (await f.eventsFor(data.orderId))[0]!;
  };
  const reasons = (e: { data: unknown }) => (e.data as { reasons?: string[] }).reasons ?? [];
  const position = async (userId: string, symbol: string, p: { quantity: string; avgPrice: string; realizedPnl?: string }) =>
    f.consumed(await f.publish(PositionChanged, `${userId}:${symbol}`, { userId, symbol, realizedPnl: '0', ...p, changedAt: new Date().toISOString() }));
  const price = async (symbol: string, value: string) => f.consumed(await f.publish(PriceUpdated, symbol, { symbol, price: value, at: new Date().toISOString() }));
  const logOf = (userId: string) =>
    f.sql<{ kind: string; actor: string; payload: { state: string; reason: string; trigger: string } }>(
      `select "kind", "actor", "payload" from "risk_data"."compliance_log" where "subject" = ? and "kind" = ? order by "seq"`,
      [userId, AccountStateChanged.type],
    );

  beforeAll(async () => {
    f = await startRiskService();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('lets a trader halt their own account (the kill switch): the state, its event and its log entry', async () => {
    const alice = randomUUID();
    expect((await f.api('GET', `/api/v1/risk/accounts/${alice}`, { as: alice })).body).toMatchObject({ userId: alice, state: 'active', version: 0, trigger: null });
    const r = await f.api('POST', `/api/v1/risk/accounts/${alice}/halt`, { as: alice, body: { reason: 'stepping away', mode: 'halted', cancelOpenOrders: true, flatten: true } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ userId: alice, state: 'halted', reason: 'stepping away', trigger: 'owner', actor: alice, cancelOpenOrders: true, flatten: true, version: 1 });
    const [e] = await f.accountEventsFor(alice);
    expect(e!.type).toBe(AccountStateChanged.type);
    expect(e!.data).toEqual({
      userId: alice,
      state: 'halted',
      previousState: 'active',
      reason: 'stepping away',
      trigger: 'owner',
      actor: alice,
      cancelOpenOrders: true,
      flatten: true,
      version: 1,
      at: r.body.changedAt,
    });
    expect((await f.api('GET', `/api/v1/risk/accounts/${alice}`, { as: alice })).body).toMatchObject({ state: 'halted', version: 1 });
    expect(await logOf(alice)).toEqual([expect.objectContaining({ actor: alice, payload: expect.objectContaining({ state: 'halted', trigger: 'owner', reason: 'stepping away' }) })]);
  });

  it("answers 404 to a trader for another's account, whatever the verb; compliance acts on anyone's", async () => {
    const bob = randomUUID();
    const mallory = randomUUID();
    expect((await f.api('POST', `/api/v1/risk/accounts/${bob}/halt`, { as: mallory, body: { reason: 'grief' } })).status).toBe(404);
    expect((await f.api('GET', `/api/v1/risk/accounts/${bob}`, { as: mallory })).status).toBe(404);
    expect((await f.api('POST', `/api/v1/risk/accounts/${bob}/resume`, { as: mallory, body: { reason: 'x' } })).status).toBe(404);
    expect(await logOf(bob)).toEqual([]);

    const halted = await f.api('POST', `/api/v1/risk/accounts/${bob}/halt`, { ...asOfficer, body: { reason: 'suspicious activity' } });
    expect(halted.body).toMatchObject({ state: 'halted', trigger: 'compliance', actor: officer, cancelOpenOrders: true, flatten: false });
    expect((await f.api('GET', `/api/v1/risk/accounts/${bob}`, { as: officer, roles: ['admin'] })).body.state).toBe('halted');
    // The owner can neither lift nor loosen compliance's halt.
    const lift = await f.api('POST', `/api/v1/risk/accounts/${bob}/resume`, { as: bob, body: { reason: 'please' } });
    expect(lift.status).toBe(403);
    expect(lift.body.code).toBe('RISK.ACCOUNT.HELD');
    expect((await f.api('POST', `/api/v1/risk/accounts/${bob}/halt`, { as: bob, body: { reason: 'sells only', mode: 'reduce_only' } })).status).toBe(403);
    expect((await f.api('POST', `/api/v1/risk/accounts/${bob}/resume`, { ...asOfficer, body: { reason: 'cleared' } })).body).toMatchObject({ state: 'active', trigger: 'compliance', version: 2 });
    const again = await f.api('POST', `/api/v1/risk/accounts/${bob}/resume`, { ...asOfficer, body: { reason: 'cleared' } });
    expect([again.status, again.body.code]).toEqual([409, 'RISK.ACCOUNT.NOT_HALTED']);
    expect((await f.api('POST', `/api/v1/risk/accounts/${bob}/halt`, { as: bob, body: { reason: 'x', mode: 'closed' } })).status).toBe(400);
    expect((await f.api('POST', `/api/v1/risk/accounts/${bob}/halt`, { as: bob, body: {} })).status).toBe(400);
  });

  it('refuses every order of a halted account with the reason, and approves again after the owner resumes', async () => {
    const carol = randomUUID();
    await position(carol, 'AAPL', { quantity: '10', avgPrice: '90' });
    expect((await submit(carol)).type).toBe(AssessmentApproved.type);
    await f.api('POST', `/api/v1/risk/accounts/${carol}/halt`, { as: carol, body: { reason: 'kill switch', cancelOpenOrders: false } });
    const buy = await submit(carol);
    expect(buy.type).toBe(AssessmentRejected.type);
    expect(reasons(buy)).toEqual(['account_state: account is halted (kill switch): no orders are accepted']);
    expect(reasons(await submit(carol, { side: 'sell' }))).toEqual(['account_state: account is halted (kill switch): no orders are accepted']);

    const resumed = await f.api('POST', `/api/v1/risk/accounts/${carol}/resume`, { as: carol, body: { reason: 'back' } });
    expect(resumed.body).toMatchObject({ state: 'active', trigger: 'owner', version: 2 });
    expect((await f.accountEventsFor(carol, 2))[1]!.data).toMatchObject({ state: 'active', previousState: 'halted', cancelOpenOrders: false, flatten: false, version: 2 });
    expect((await submit(carol)).type).toBe(AssessmentApproved.type);
  });

  it('refuses the buys of a reduce-only account and approves its sells; a halt that flattens lets sells through', async () => {
    const dave = randomUUID();
    await position(dave, 'MSFT', { quantity: '10', avgPrice: '90' });
    await f.api('POST', `/api/v1/risk/accounts/${dave}/halt`, { as: dave, body: { reason: 'cooling off', mode: 'reduce_only' } });
    expect(reasons(await submit(dave, { symbol: 'MSFT' }))).toEqual(['account_state: account is reduce-only (cooling off): buys are refused']);
    expect((await submit(dave, { symbol: 'MSFT', side: 'sell', quantity: '2' })).type).toBe(AssessmentApproved.type);

    await f.api('POST', `/api/v1/risk/accounts/${dave}/halt`, { ...asOfficer, body: { reason: 'wind down', flatten: true } });
    expect((await submit(dave, { symbol: 'MSFT', side: 'sell', quantity: '8' })).type).toBe(AssessmentApproved.type);
    expect(reasons(await submit(dave, { symbol: 'MSFT' }))).toEqual(['account_state: account is halted (wind down): no orders are accepted']);
  });

  it('keeps the loss limits in the limits (optional, null = none)', async () => {
    const erin = randomUUID();
    expect((await f.api('GET', '/api/v1/risk/limits', { as: erin })).body).toMatchObject({ dailyLossLimit: null, maxDrawdownPct: null });
    const put = await f.api('PUT', `/api/v1/risk/limits/${erin}`, { ...asOfficer, body: { ...limits, dailyLossLimit: '1000.50', maxDrawdownPct: '12.5' } });
    expect(put.body).toMatchObject({ dailyLossLimit: '1000.5', maxDrawdownPct: '12.5' });
    expect((await f.api('GET', '/api/v1/risk/limits', { as: erin })).body).toMatchObject({ dailyLossLimit: '1000.5', maxDrawdownPct: '12.5' });
    expect((await f.api('PUT', `/api/v1/risk/limits/${erin}`, { ...asOfficer, body: limits })).body).toMatchObject({ dailyLossLimit: null, maxDrawdownPct: null });
    const bad = await f.api('PUT', `/api/v1/risk/limits/${erin}`, { ...asOfficer, body: { ...limits, dailyLossLimit: '0', maxDrawdownPct: '100.1' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['dailyLossLimit', 'maxDrawdownPct']);
  });

  it('halts an account by itself when its loss of the UTC day reaches the daily loss limit, from position and price events', async () => {
    const frank = randomUUID();
    await f.api('PUT', `/api/v1/risk/limits/${frank}`, { ...asOfficer, body: { ...limits, dailyLossLimit: '1000' } });
    await position(frank, 'TSLA', { quantity: '10', avgPrice: '100', realizedPnl: '-200' });
    await price('TSLA', '30'); // -200 realized, -700 unrealized: within the limit
    const today = new Date().toISOString().slice(0, 10);
    expect((await f.api('GET', `/api/v1/risk/accounts/${frank}`, { as: frank })).body).toMatchObject({
      state: 'active',
      dailyLossLimit: '1000',
      today: { date: today, realizedPnl: '-200', unrealizedPnl: '-700', pnl: '-900' },
    });
    await price('TSLA', '15');
    const [e] = await f.accountEventsFor(frank);
    const reason = `daily loss 1050 reached the daily loss limit of 1000 on ${today} (UTC): realized -200, unrealized -850`;
    expect(e!.data).toMatchObject({ userId: frank, state: 'halted', previousState: 'active', trigger: 'daily_loss_limit', actor: 'risk-service', cancelOpenOrders: true, flatten: false, reason });
    expect((await f.api('GET', `/api/v1/risk/accounts/${frank}`, { as: frank })).body).toMatchObject({ state: 'halted', reason, trigger: 'daily_loss_limit' });
    expect(reasons(await submit(frank, { symbol: 'TSLA' }))).toEqual([`account_state: account is halted (${reason}): no orders are accepted`]);

    // The owner cannot lift it; once compliance has, the same day's loss does not halt it again.
    expect((await f.api('POST', `/api/v1/risk/accounts/${frank}/resume`, { as: frank, body: { reason: 'mine' } })).status).toBe(403);
    await f.api('POST', `/api/v1/risk/accounts/${frank}/resume`, { ...asOfficer, body: { reason: 'reviewed' } });
    await price('TSLA', '10');
    await position(frank, 'TSLA', { quantity: '10', avgPrice: '100', realizedPnl: '-200' });
    expect((await f.api('GET', `/api/v1/risk/accounts/${frank}`, { as: frank })).body).toMatchObject({ state: 'active', version: 2, today: { pnl: '-1100' } });
  });

  it('halts an account by itself when its drawdown reaches the max drawdown', async () => {
    const gina = randomUUID();
    await f.api('PUT', `/api/v1/risk/limits/${gina}`, { ...asOfficer, body: { ...limits, maxDrawdownPct: '10' } });
    await position(gina, 'NVDA', { quantity: '100', avgPrice: '100' }); // 10,000 at work
    await price('NVDA', '120'); // peak P&L 2,000
    await price('NVDA', '110'); // 1,000 below the peak of 12,000: 8.3333 %
    expect((await f.api('GET', `/api/v1/risk/accounts/${gina}`, { as: gina })).body).toMatchObject({ state: 'active', maxDrawdownPct: '10', drawdownPct: '8.3333' });
    await price('NVDA', '108'); // 1,200 below: 10 %
    const [e] = await f.accountEventsFor(gina);
    expect(e!.data).toMatchObject({
      state: 'halted',
      trigger: 'max_drawdown',
      actor: 'risk-service',
      reason: 'drawdown 10% reached the max drawdown of 10%: P&L 800 against a peak of 2000 on 10000 at work',
    });
    // Lifting it starts the drawdown afresh from the next mark: a peak of 700 on 10,000 at work.
    await f.api('POST', `/api/v1/risk/accounts/${gina}/resume`, { ...asOfficer, body: { reason: 'reviewed' } });
    await price('NVDA', '107');
    await price('NVDA', '100');
    expect((await f.api('GET', `/api/v1/risk/accounts/${gina}`, { as: gina })).body).toMatchObject({ state: 'active', version: 2, drawdownPct: '6.5421' });
  });

  it('appends every change to the compliance log, which still verifies', async () => {
    const kinds = await f.sql<{ n: string }>(`select count(*)::text as "n" from "risk_data"."compliance_log" where "kind" = ?`, [AccountStateChanged.type]);
    const events = f.accountEvents.length;
    expect(Number(kinds[0]!.n)).toBe(events);
    const verify = await f.api('GET', '/api/v1/compliance/logs/verify', asOfficer);
    expect(verify.body).toMatchObject({ valid: true, firstInvalidSeq: null });
  });
});
