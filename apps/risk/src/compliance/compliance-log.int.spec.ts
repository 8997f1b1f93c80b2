import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseConnection } from '@alphintra/platform-database';
import { startRiskService, type RiskServiceFixture } from '../testing/risk-service.fixture';

const limits = { maxOrderNotional: '1000', maxPositionNotional: '5000', maxOpenOrders: 5, maxOrdersPerDay: 10, allowedSides: ['buy', 'sell'], allowedSymbols: null };

async function as<T>(c: DatabaseConnection, f: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client(c);
  await db.connect();
  try {
    return await f(db);
  } finally {
    await db.end();
  }
}

describe('compliance log', () => {
  let f: RiskServiceFixture;
  const officer = randomUUID();
  const verify = () => f.api('GET', '/api/v1/compliance/logs/verify', { as: officer, roles: ['compliance'] });

  beforeAll(async () => {
    f = await startRiskService();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('chains concurrent appends without forks, and verifies', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => f.api('PUT', `/api/v1/risk/limits/${randomUUID()}`, { as: officer, roles: ['compliance'], body: { ...limits, maxOpenOrders: i + 1 } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    const rows = await f.sql<{ prev_hash: string; hash: string }>(`select "prev_hash", "hash" from "risk_data"."compliance_log" order by "seq"`);
    expect(rows).toHaveLength(12);
    expect(new Set(rows.map((r) => r.prev_hash)).size).toBe(12);
    rows.slice(1).forEach((r, i) => expect(r.prev_hash).toBe(rows[i]!.hash));
    expect((await verify()).body).toEqual({ valid: true, entries: 12, firstInvalidSeq: null });
  });

  it('pages the log for compliance and admin only', async () => {
    const first = await f.api('GET', '/api/v1/compliance/logs?limit=5', { as: officer, roles: ['admin'] });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(5);
    expect(first.body.items[0]).toMatchObject({ seq: '1', actor: officer, kind: 'risk.limits.changed' });
    const rest = await f.api('GET', `/api/v1/compliance/logs?limit=500&cursor=${first.body.nextCursor}`, { as: officer, roles: ['compliance'] });
    expect(rest.body.items.map((e: { seq: string }) => e.seq)).toEqual(['6', '7', '8', '9', '10', '11', '12']);
    expect(rest.body.nextCursor).toBeNull();
    expect((await f.api('GET', '/api/v1/compliance/logs', { as: randomUUID() })).status).toBe(403);
    expect((await f.api('GET', '/api/v1/compliance/logs/verify', { as: randomUUID() })).status).toBe(403);
    expect((await f.api('GET', '/api/v1/compliance/logs')).status).toBe(401);
  });

  it('refuses bad paging input with 400 naming the field', async () => {
    for (const [q, field] of [
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['cursor=abc', 'cursor'],
      ['bogus=1', ''],
    ] as const) {
      const a = await f.api('GET', `/api/v1/compliance/logs?${q}`, { as: officer, roles: ['compliance'] });
      expect(a.status).toBe(400);
      if (field) expect(a.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
  });

  it('lets the runtime user insert and select but never update, delete or truncate', async () => {
    await as(f.svc.env.database.runtime, async (db) => {
      expect((await db.query(`select count(*)::int as n from "risk_data"."compliance_log"`)).rows[0].n).toBeGreaterThan(0);
      for (const stmt of [
        `update "risk_data"."compliance_log" set "actor" = 'mallory' where "seq" = 1`,
        `delete from "risk_data"."compliance_log" where "seq" = 1`,
        `truncate "risk_data"."compliance_log"`,
      ]) {
        await expect(db.query(stmt)).rejects.toMatchObject({ code: '42501' });
      }
      // INSERT is granted (rolled back: a row outside the chain would break it).
      await db.query('begin');
      await expect(db.query(`insert into "risk_data"."compliance_log" ("at", "actor", "kind", "subject", "payload", "prev_hash", "hash") values (now(), 'x', 'x', 'x', '{}', 'x', 'x')`)).resolves.toBeDefined();
      await db.query('rollback');
    });
    expect((await verify()).body).toEqual({ valid: true, entries: 12, firstInvalidSeq: null });
  });

  it('answers valid:false at the row the owner role tampered with', async () => {
    await as(f.svc.env.database.owner!, (db) => db.query(`update "risk_data"."compliance_log" set "payload" = jsonb_set("payload", '{after,maxOpenOrders}', '999') where "seq" = 7`));
    expect((await verify()).body).toEqual({ valid: false, entries: 12, firstInvalidSeq: '7' });
  });
});
