import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AssessmentApproved, BrokerReconciliationRequested, dlqOf, ExecutionReported, TOPICS, TradingReconciliationRequested, type EventData } from '@alphintra/contracts';
import { createServiceApp } from '@alphintra/platform-http';
import type { CloudEvent } from '@alphintra/platform-messaging';
import { AppModule, spec } from '../app.module';
import { executionReport, startTradingService, until, type TradingServiceFixture } from '../testing/trading-service.fixture';

type View = EventData<typeof TradingReconciliationRequested>;
type Report = EventData<typeof ExecutionReported>;

describe('reconciliation with broker', () => {
  let f: TradingServiceFixture;
  let views: CloudEvent[];
  let deadLetters: CloudEvent[];
  const alice = randomUUID();
  let orderId: string;

  const viewOf = async (reconciliationId: string) => {
    await until(`trading's view ${reconciliationId}`, () => views.some((e) => (e.data as View).reconciliationId === reconciliationId));
    return views.filter((e) => (e.data as View).reconciliationId === reconciliationId);
  };
  const report = (r: Partial<Report>): Report => executionReport({ orderId, userId: alice }, r);
  /** broker's report, or its replay: another event (id) with the same execution. */
  const deliver = async (r: Report) => f.consumed(await f.publish(ExecutionReported, r.orderId, r));
  const books = async () => ({
    order: (await f.sql(`select "status", "filled_quantity"::text as "filled", "avg_fill_price"::text as "avg" from "trading_data"."order" where "id" = ?`, [orderId]))[0],
    executions: (await f.sql<{ execution_id: string }>(`select "execution_id" from "trading_data"."execution" where "order_id" = ? order by "executed_at"`, [orderId])).map((x) => x.execution_id),
    account: (await f.sql(`select "cash"::text as "cash", "reserved"::text as "reserved" from "trading_data"."account" where "user_id" = ?`, [alice]))[0],
    position: (await f.sql(`select "quantity"::text as "quantity", "avg_price"::text as "avg" from "trading_data"."position" where "user_id" = ?`, [alice]))[0],
  });
  /** As the owner role: every insert into trading's executions fails, as a broken store would. */
  const executionStore = async (broken: boolean) => {
    const db = new Client(f.svc.env.database.owner!);
    await db.connect();
    try {
      await db.query(
        broken
          ? `create function "trading_data"."refuse_execution"() returns trigger language plpgsql as $$ begin raise exception 'execution store unavailable'; end $$;
             create trigger "refuse_execution" before insert on "trading_data"."execution" for each row execute function "trading_data"."refuse_execution"()`
          : `drop trigger "refuse_execution" on "trading_data"."execution"; drop function "trading_data"."refuse_execution"()`,
      );
    } finally {
      await db.end();
    }
  };

  beforeAll(async () => {
    f = await startTradingService();
    views = await f.watch(TOPICS.tradingReconciliation);
    deadLetters = await f.watch(dlqOf(TOPICS.brokerExecution));
    await f.list('AAPL', '100');
    expect((await f.api('POST', '/api/v1/portfolio/deposits', { as: alice, body: { amount: '10000' } })).status).toBe(201);
    const placed = await f.api('POST', '/api/v1/orders', { as: alice, body: { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100', timeInForce: 'day' }, headers: { 'idempotency-key': randomUUID() } });
    orderId = placed.body.id;
    await f.consumed(await f.publish(AssessmentApproved, orderId, { assessmentId: randomUUID(), orderId, userId: alice, rules: [], assessedAt: new Date().toISOString() }));
  });
  afterAll(async () => {
    await f?.close();
  });

  it('sends its view when it starts: one chunk, here empty', async () => {
    await until('the view sent at start', () => views.length > 0);
    expect(views[0]).toMatchObject({ type: TradingReconciliationRequested.type, source: '/alphintra/trading' });
    expect(views[0]!.data).toEqual({ reconciliationId: views[0]!.subject, chunk: 0, chunks: 1, asOf: expect.any(String), orders: [] });
  });

  it('applies a replay of an execution it booked not a second time', async () => {
    const first = report({ quantity: '4', price: '99', cumulativeQuantity: '4', leavesQuantity: '6' });
    await deliver(first);
    const before = await books();
    expect(before).toMatchObject({ order: { status: 'partially_filled', filled: '4.00000000' }, executions: [first.executionId], position: { quantity: '4.00000000' } });
    await deliver(first); // broker's replay: same executionId and data, another event
    expect(await books()).toEqual(before);
  });

  it('applies, exactly once, an execution it dead-lettered once broker replays it', async () => {
    const missed = report({ quantity: '3', price: '98', cumulativeQuantity: '7', leavesQuantity: '3' });
    const [booked] = (await books()).executions;
    await executionStore(true);
    let id: string;
    try {
      id = await f.publish(ExecutionReported, orderId, missed);
      await until('the report dead-lettered', () => deadLetters.some((e) => e.id === id), 60_000);
    } finally {
      await executionStore(false);
    }
    const before = await books();
    expect(before).toMatchObject({ order: { filled: '4.00000000' }, executions: [booked] });

    // broker asks (it restarted); trading's view lacks the execution
    const reconciliationId = randomUUID();
    await f.consumed(await f.publish(BrokerReconciliationRequested, reconciliationId, { reconciliationId, requestedAt: new Date().toISOString() }));
    const [asked] = await viewOf(reconciliationId);
    expect(asked!.data).toMatchObject({ chunk: 0, chunks: 1, orders: [{ orderId, userId: alice, status: 'partially_filled', filledQuantity: '4', executionIds: [booked] }] });

    await deliver(missed); // broker's replay
    const after = await books();
    expect(after).toMatchObject({
      order: { status: 'partially_filled', filled: '7.00000000' },
      executions: [booked, missed.executionId],
      account: { cash: '9310.00000000' }, // 10000 - 4 × 99 - 3 × 98
      position: { quantity: '7.00000000' },
    });
    await deliver(missed); // and again, from a second reconciliation
    expect(await books()).toEqual(after);
  });

  it('sends its view with every open order at the venue and the executions it booked when it starts again', async () => {
    const pending = await f.api('POST', '/api/v1/orders', { as: alice, body: { symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '1', limitPrice: '90', timeInForce: 'day' }, headers: { 'idempotency-key': randomUUID() } });
    expect(pending.status).toBe(202); // pending_risk: not at the venue, not listed
    const seen = new Set(views.map((e) => (e.data as View).reconciliationId));
    const replica = await createServiceApp(spec, AppModule, f.svc.env); // a restart, or a second replica
    try {
      await replica.init();
      await until('the view sent at the new start', () => views.some((e) => !seen.has((e.data as View).reconciliationId)));
    } finally {
      await replica.close();
    }
    const [started] = views.filter((e) => !seen.has((e.data as View).reconciliationId));
    const { executions } = await books();
    expect(started!.data).toEqual({
      reconciliationId: started!.subject,
      chunk: 0,
      chunks: 1,
      asOf: expect.any(String),
      orders: [{ orderId, userId: alice, status: 'partially_filled', filledQuantity: '7', executionIds: executions }],
    });
  });
});
