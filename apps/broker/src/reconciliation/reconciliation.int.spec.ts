import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { BrokerReconciliationRequested, OrderRouted, PriceUpdated, TradingReconciliationRequested, type EventData } from '@alphintra/contracts';
import { LOGGER } from '@alphintra/platform-http';
import { startBrokerService, until, type BrokerServiceFixture } from '../testing/broker-service.fixture';

type Listed = EventData<typeof TradingReconciliationRequested>['orders'][number];

describe('reconciliation with trading', () => {
  let f: BrokerServiceFixture;
  let info: ReturnType<typeof jest.spyOn>;
  const alice = randomUUID();
  const symbol = `R${Date.now().toString(36).toUpperCase().slice(-6)}`;

  const route = async (o: Partial<EventData<typeof OrderRouted>> = {}) => {
    const order: EventData<typeof OrderRouted> = {
      orderId: randomUUID(),
      userId: alice,
      symbol,
      side: 'buy',
      type: 'market',
      quantity: '3',
      limitPrice: null,
      timeInForce: 'day',
      assessmentId: randomUUID(),
      routedAt: new Date().toISOString(),
      ...o,
    };
    await f.consumed(await f.publish(OrderRouted, order.orderId, order));
    return order;
  };
  const listed = (orderId: string, o: Partial<Listed> = {}): Listed => ({ orderId, userId: alice, status: 'routed', filledQuantity: '0', executionIds: [], ...o });
  /** trading's view, as trading sends it; resolves once broker compared it. */
  const view = async (orders: Listed[], o: { reconciliationId?: string; chunk?: number; chunks?: number } = {}) => {
    const data = { reconciliationId: o.reconciliationId ?? randomUUID(), chunk: o.chunk ?? 0, chunks: o.chunks ?? 1, asOf: new Date().toISOString(), orders };
    await f.consumed(await f.publish(TradingReconciliationRequested, data.reconciliationId, data));
    return data.reconciliationId;
  };
  const run = async (id: string) =>
    (
      await f.sql<Record<string, unknown>>(
        `select "requested_by", "orders_compared", "in_sync", "executions_replayed", "unknown_to_broker", "diverged", "chunks_received", "completed_at" is not null as "completed"
         from "broker_data"."reconciliation_run" where "id" = ?`,
        [id],
      )
    )[0];
  /** broker.execution.reported rows in broker's outbox: what it recorded, sent or not yet. */
  const recorded = async (orderId: string) =>
    (await f.sql<{ n: number }>(`select count(*)::int as n from "broker_data"."outbox" where "event_type" = 'broker.execution.reported' and "aggregate_key" = ?`, [orderId]))[0]!.n;
  /** The outcome lines logged for a reconciliation. */
  const summaries = (id: string) => (info.mock.calls as [Record<string, unknown>, string][]).filter(([fields]) => fields.reconciliationId === id && 'ordersCompared' in fields);

  beforeAll(async () => {
    f = await startBrokerService();
    info = jest.spyOn(f.app.get<Logger>(LOGGER), 'info');
    await f.consumed(await f.publish(PriceUpdated, symbol, { symbol, price: '50', at: new Date().toISOString() }));
  });
  afterAll(async () => {
    info?.mockRestore();
    await f?.close();
  });

  it('asks trading for its view when it starts, and records the run', async () => {
    await until('broker.reconciliation.requested', () => f.reconciliationRequests.length > 0);
    const [request] = f.reconciliationRequests;
    expect(request).toMatchObject({ type: BrokerReconciliationRequested.type, source: '/alphintra/broker' });
    const { reconciliationId } = request!.data as EventData<typeof BrokerReconciliationRequested>;
    expect(request!.subject).toBe(reconciliationId);
    expect(await f.sql(`select "requested_by", "open_venue_orders", "completed_at" from "broker_data"."reconciliation_run" where "id" = ?`, [reconciliationId])).toEqual([
      { requested_by: 'broker', open_venue_orders: 0, completed_at: null },
    ]);
  });

  it('records again, once and under the original executionId, every execution trading has not applied', async () => {
    const filled = await route();
    const rejected = await route({ type: 'limit', limitPrice: null }); // a limit order without a price: the venue rejects it
    const [fill] = await f.executionsFor(filled.orderId);
    const [rejection] = await f.executionsFor(rejected.orderId);
    expect([fill!.kind, rejection!.kind]).toEqual(['fill', 'rejected']);
    const originals = f.executionEvents.filter((e) => [filled.orderId, rejected.orderId].includes((e.data as { orderId: string }).orderId));

    // trading's view: both orders routed, nothing booked (its copies were dead-lettered, or its database restored)
    const id = await view([listed(filled.orderId), listed(rejected.orderId)]);
    expect(await run(id)).toEqual({
      requested_by: 'trading',
      orders_compared: 2,
      in_sync: 0,
      executions_replayed: 2,
      unknown_to_broker: 0,
      diverged: 0,
      chunks_received: [0],
      completed: true,
    });
    await f.executionsFor(filled.orderId, 2);
    await f.executionsFor(rejected.orderId, 2);
    const replays = f.executionEvents.filter((e) => !originals.includes(e) && [filled.orderId, rejected.orderId].includes((e.data as { orderId: string }).orderId));
    // the two orders' events ride different partitions, so they arrive in either order
    const byExecution = (es: typeof replays) => [...es].sort((a, b) => String((a.data as { executionId: string }).executionId).localeCompare((b.data as { executionId: string }).executionId));
    expect(byExecution(replays).map((e) => e.data)).toEqual(byExecution(originals).map((e) => e.data));
    expect(byExecution(replays).map((e) => e.subject)).toEqual(byExecution(originals).map((e) => e.subject));
    expect(replays.every((e) => e.correlationId === id && !originals.some((o) => o.id === e.id))).toBe(true);
    expect(summaries(id)).toEqual([
      [
        expect.objectContaining({ ordersCompared: 2, inSync: 0, executionsReplayed: 2, unknownToBroker: 0 }),
        'broker reconcile with trading: 2 order(s) compared, 0 in sync, 2 execution(s) replayed, 0 unknown to broker, 0 diverged',
      ],
    ]);
    expect(await recorded(filled.orderId)).toBe(2);

    // a view that has the fill replays nothing
    const again = await view([listed(filled.orderId, { status: 'cancel_requested', filledQuantity: '3', executionIds: [fill!.executionId] })]);
    expect(await run(again)).toMatchObject({ orders_compared: 1, in_sync: 1, executions_replayed: 0, completed: true });
    expect(await recorded(filled.orderId)).toBe(2);
  });

  it('counts and logs an order broker never received, publishing nothing', async () => {
    const before = await f.sql(`select count(*)::int as n from "broker_data"."outbox"`);
    const warn = jest.spyOn(f.app.get<Logger>(LOGGER), 'warn');
    try {
      const stranger = randomUUID();
      const otherUsers = await route(); // known to broker, but listed under another user
      const id = await view([listed(stranger), listed(otherUsers.orderId, { userId: randomUUID() })]);
      expect(await run(id)).toMatchObject({ orders_compared: 2, in_sync: 0, executions_replayed: 0, unknown_to_broker: 2, completed: true });
      expect(warn).toHaveBeenCalledWith(expect.objectContaining({ reconciliationId: id, orderIds: [stranger, otherUsers.orderId] }), expect.stringContaining('never received by broker'));
      expect(summaries(id)).toHaveLength(1);
      expect(await f.sql(`select count(*)::int as n from "broker_data"."outbox"`)).toEqual([{ n: (before[0] as { n: number }).n + 1 }]); // the routed order's own fill
    } finally {
      warn.mockRestore();
    }
  });

  it('completes a view sent in chunks with its last chunk, and applies a chunk delivered twice once', async () => {
    const order = await route();
    await f.executionsFor(order.orderId);
    const id = randomUUID();
    await view([listed(order.orderId)], { reconciliationId: id, chunk: 1, chunks: 2 });
    expect(await run(id)).toMatchObject({ orders_compared: 1, executions_replayed: 1, chunks_received: [1], completed: false });
    expect(summaries(id)).toEqual([]);
    await view([listed(order.orderId)], { reconciliationId: id, chunk: 1, chunks: 2 }); // a copy under another event id
    await view([listed(randomUUID())], { reconciliationId: id, chunk: 0, chunks: 2 });
    expect(await run(id)).toMatchObject({ orders_compared: 2, executions_replayed: 1, unknown_to_broker: 1, chunks_received: [1, 0], completed: true });
    expect(summaries(id)).toHaveLength(1);
    expect(await recorded(order.orderId)).toBe(2);
  });
});
