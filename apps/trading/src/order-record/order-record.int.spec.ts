import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AssessmentApproved, ExecutionReported, type EventData } from '@alphintra/contracts';
import type { DatabaseConnection } from '@alphintra/platform-database';
import { executionReport, startTradingService, type TradingServiceFixture } from '../testing/trading-service.fixture';
import { OrderRecordService } from './order-record.service';

const limitBuy = (o: Record<string, unknown> = {}) => ({ symbol: 'AAPL', side: 'buy', type: 'limit', quantity: '10', limitPrice: '100', timeInForce: 'gtc', ...o });

async function as<T>(c: DatabaseConnection, f: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client(c);
  await db.connect();
  try {
    return await f(db);
  } finally {
    await db.end();
  }
}

interface RecordRow {
  seq: string;
  order_id: string;
  from_status: string | null;
  to_status: string;
  reason: string | null;
  cause: Record<string, string>;
  prev_hash: string;
  hash: string;
}

describe('the order record: every order transition, hash-chained, with signed checkpoints (ADR 0033)', () => {
  let f: TradingServiceFixture;
  const officer = randomUUID();
  const alice = randomUUID();
  const verify = async () => (await f.api('GET', '/api/v1/compliance/orders/verify', { as: officer, roles: ['compliance'] })).body;
  const records = (orderId?: string) =>
    f.sql<RecordRow>(
      `select "seq"::text as "seq", "order_id", "from_status", "to_status", "reason", "cause", "prev_hash", "hash" from "trading_data"."order_record"
       ${orderId ? 'where "order_id" = ?' : ''} order by "order_record"."seq"`,
      orderId ? [orderId] : [],
    );
  const place = async (userId: string, body = limitBuy(), key = randomUUID()) => {
    const r = await f.api('POST', '/api/v1/orders', { as: userId, body, headers: { 'idempotency-key': key } });
    expect(r.status).toBe(202);
    return { id: r.body.id as string, key };
  };
  const approve = async (id: string, userId: string) => {
    const assessmentId = randomUUID();
    const eventId = await f.publish(AssessmentApproved, id, { assessmentId, orderId: id, userId, rules: [{ rule: 'buying_power', passed: true, detail: 'ok' }], assessedAt: new Date().toISOString() });
    await f.consumed(eventId);
    return { assessmentId, eventId };
  };
  const execute = async (r: EventData<typeof ExecutionReported>, id?: string) => {
    const eventId = await f.publish(ExecutionReported, r.orderId, r, { id });
    await f.consumed(eventId);
    return eventId;
  };

  beforeAll(async () => {
    // Checkpoints every 4 entries; the timer's (driven by the test below) never fires on its own here.
    f = await startTradingService({ TRADING_ORDER_RECORD_CHECKPOINT_ENTRIES: '4', TRADING_ORDER_RECORD_CHECKPOINT_SECONDS: '86400' });
    await f.list('AAPL', '100');
    expect((await f.api('POST', '/api/v1/portfolio/deposits', { as: alice, body: { amount: '100000' } })).status).toBe(201);
  });
  afterAll(async () => {
    await f?.close();
  });

  let filled: { id: string; key: string };
  let fillEvent: string;
  let fill: EventData<typeof ExecutionReported>;

  it('records placement, approval, fills and cancels with their causes, and verifies', async () => {
    filled = await place(alice);
    const approval = await approve(filled.id, alice);
    fill = executionReport({ orderId: filled.id, userId: alice }, { quantity: '10', price: '100', cumulativeQuantity: '10', leavesQuantity: '0' });
    fillEvent = await execute(fill);

    const pending = await place(alice);
    expect((await f.api('DELETE', `/api/v1/orders/${pending.id}`, { as: alice })).status).toBe(202);

    const routed = await place(alice);
    await approve(routed.id, alice);
    await execute(executionReport({ orderId: routed.id, userId: alice }, { quantity: '4', price: '100', cumulativeQuantity: '4', leavesQuantity: '6' }));
    expect((await f.api('DELETE', `/api/v1/orders/${routed.id}`, { as: alice })).status).toBe(202);
    await execute(executionReport({ orderId: routed.id, userId: alice }, { kind: 'cancelled', cumulativeQuantity: '4', leavesQuantity: '0', reason: 'cancelled on request' }));

    expect(await records(filled.id)).toEqual([
      expect.objectContaining({ from_status: null, to_status: 'pending_risk', cause: { source: 'http', request: 'POST /api/v1/orders', idempotencyKey: filled.key } }),
      expect.objectContaining({ from_status: 'pending_risk', to_status: 'routed', cause: { source: 'event', type: AssessmentApproved.type, id: approval.eventId, assessmentId: approval.assessmentId } }),
      expect.objectContaining({ from_status: 'routed', to_status: 'filled', cause: { source: 'event', type: ExecutionReported.type, id: fillEvent } }),
    ]);
    expect((await records(pending.id)).map((r) => [r.from_status, r.to_status, r.cause.source])).toEqual([
      [null, 'pending_risk', 'http'],
      ['pending_risk', 'cancelled', 'http'],
    ]);
    expect((await records(routed.id)).map((r) => `${r.from_status}→${r.to_status}`)).toEqual([
      'null→pending_risk',
      'pending_risk→routed',
      'routed→partially_filled',
      'partially_filled→cancel_requested',
      'cancel_requested→cancelled',
    ]);
    // One entry per transition, in the transition's transaction: the record and order_transition agree.
    const [{ n }] = await f.sql<{ n: string }>(`select count(*)::text as "n" from "trading_data"."order_transition"`);
    const all = await records();
    expect(all).toHaveLength(Number(n));
    expect(all).toHaveLength(10);
    all.slice(1).forEach((r, i) => expect(r.prev_hash).toBe(all[i]!.hash));

    const v = await verify();
    // A checkpoint every 4 entries: after the 4th and the 8th.
    expect(v).toMatchObject({ valid: true, entries: 10, firstInvalidSeq: null, problem: null, checkpoints: 2, lastCheckpoint: { entries: 8, headSeq: all[7]!.seq, headHash: all[7]!.hash } });
    const key = await f.api('GET', '/api/v1/compliance/orders/public-key', { as: officer, roles: ['admin'] });
    expect(key.status).toBe(200);
    expect(key.body).toEqual({ algorithm: 'Ed25519', keyId: v.lastCheckpoint.keyId, publicKey: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) });
    expect(v.publicKey).toEqual(key.body);
  });

  it('appends nothing for a redelivered event or a replayed report of the same execution', async () => {
    const before = await records();
    await execute(fill, fillEvent); // the same event again: the inbox knows it
    await execute({ ...fill }); // the same execution under a new event id: already booked
    await approve(filled.id, alice); // an approval of a filled order: illegal, nothing changes
    expect(await records()).toEqual(before);
  });

  it('chains concurrent transitions without forks', async () => {
    const users = Array.from({ length: 6 }, () => randomUUID());
    for (const u of users) expect((await f.api('POST', '/api/v1/portfolio/deposits', { as: u, body: { amount: '10000' } })).status).toBe(201);
    const placed = await Promise.all(users.map((u) => place(u)));
    await Promise.all(placed.map((o, i) => f.api('DELETE', `/api/v1/orders/${o.id}`, { as: users[i]! })));
    const all = await records();
    expect(all).toHaveLength(22);
    expect(new Set(all.map((r) => r.prev_hash)).size).toBe(22);
    expect(await verify()).toMatchObject({ valid: true, entries: 22, checkpoints: 5 });
  });

  it('signs a checkpoint on the timer only when entries followed the last one', async () => {
    const record = f.svc.app.get(OrderRecordService);
    const all = await records();
    expect(await record.checkpoint()).toMatchObject({ entries: 22, headSeq: all[21]!.seq, headHash: all[21]!.hash });
    expect(await record.checkpoint()).toBeUndefined();
    expect(await verify()).toMatchObject({ valid: true, entries: 22, checkpoints: 6, lastCheckpoint: { entries: 22 } });
  });

  it('answers 403 to a trader and 401 without a token', async () => {
    expect((await f.api('GET', '/api/v1/compliance/orders/verify', { as: alice })).status).toBe(403);
    expect((await f.api('GET', '/api/v1/compliance/orders/public-key', { as: alice })).status).toBe(403);
    expect((await f.api('GET', '/api/v1/compliance/orders/verify')).status).toBe(401);
  });

  it('lets the runtime user insert and select but never update, delete or truncate', async () => {
    await as(f.svc.env.database.runtime, async (db) => {
      for (const table of ['order_record', 'order_record_checkpoint']) {
        for (const stmt of [`update "trading_data"."${table}" set "at" = now()`, `delete from "trading_data"."${table}"`, `truncate "trading_data"."${table}"`]) {
          await expect(db.query(stmt)).rejects.toMatchObject({ code: '42501' });
        }
      }
    });
    expect(await verify()).toMatchObject({ valid: true, entries: 22 });
  });

  it('answers valid:false at the entry the owner role changed, or after the one it removed', async () => {
    const all = await records();
    const victim = all[4]!;
    await as(f.svc.env.database.owner!, (db) => db.query(`update "trading_data"."order_record" set "to_status" = 'expired' where "seq" = $1`, [victim.seq]));
    expect(await verify()).toMatchObject({ valid: false, entries: 22, firstInvalidSeq: victim.seq, problem: expect.stringContaining('does not recompute') });
    await as(f.svc.env.database.owner!, (db) => db.query(`update "trading_data"."order_record" set "to_status" = $2 where "seq" = $1`, [victim.seq, victim.to_status]));
    expect(await verify()).toMatchObject({ valid: true });

    const saved = await f.sql<Record<string, unknown>>(`select * from "trading_data"."order_record" where "seq" = ?`, [victim.seq]);
    await as(f.svc.env.database.owner!, (db) => db.query(`delete from "trading_data"."order_record" where "seq" = $1`, [victim.seq]));
    expect(await verify()).toMatchObject({ valid: false, entries: 21, firstInvalidSeq: all[5]!.seq, problem: expect.stringContaining('does not link') });
    const r = saved[0]!;
    await as(f.svc.env.database.owner!, (db) =>
      db.query(
        `insert into "trading_data"."order_record" ("seq", "at", "order_id", "user_id", "from_status", "to_status", "reason", "cause", "prev_hash", "hash") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [r.seq, r.at, r.order_id, r.user_id, r.from_status, r.to_status, r.reason, JSON.stringify(r.cause), r.prev_hash, r.hash],
      ),
    );
    expect(await verify()).toMatchObject({ valid: true, entries: 22 });
  });

  it('detects the newest entries removed back beyond the last checkpoint', async () => {
    const all = await records();
    // The last checkpoint covers all 22; removing the newest two leaves 20 links that still chain.
    await as(f.svc.env.database.owner!, (db) => db.query(`delete from "trading_data"."order_record" where "seq" >= $1`, [all[20]!.seq]));
    expect(await verify()).toMatchObject({
      valid: false,
      entries: 20,
      firstInvalidSeq: all[21]!.seq,
      problem: expect.stringContaining('covers 22 entries but only 20 are there'),
    });
  });
});
