import type { EntityManager } from '@mikro-orm/postgresql';
import { applyIfNewer, upsertIfNewer, type ReplicaTable } from '@alphintra/platform-database';
import { messagingFixture, type MessagingFixture } from './fixtures';

/** The replica rule of ADR 0032 on real PostgreSQL: what survives reordered, repeated and concurrent deliveries. */
describe('replica helper: apply if newer by event time', () => {
  let f: MessagingFixture;
  const REF: ReplicaTable = { schema: 'risk_data', table: 'thing_ref', key: 'id' };
  const PRICE: ReplicaTable = { ...REF, clock: 'price_at' };
  const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
  const em = () => f.orm.em.fork();
  const row = async (id: string) => {
    const [r] = await em().execute<{ label: string | null; status: string; price: string | null; updated_at: string; price_at: string | null }[]>(
      `select "label", "status", "price"::text, to_char("updated_at" at time zone 'UTC', 'SS') as "updated_at", to_char("price_at" at time zone 'UTC', 'SS') as "price_at"
       from "risk_data"."thing_ref" where "id" = ?`,
      [id],
    );
    return r;
  };
  /** A listing-like fact: label and status, whatever the row held. */
  const put = (e: EntityManager, id: string, s: number, label: string | null, status = 'live') => upsertIfNewer(e, REF, id, t(s), { set: { label, status } });

  beforeAll(async () => {
    f = await messagingFixture('risk', [
      `create table "risk_data"."thing_ref" (
         "id" text primary key, "label" text null, "status" text not null, "price" numeric null, "price_at" timestamptz null, "updated_at" timestamptz not null)`,
    ]);
  });
  afterAll(() => f?.close());

  it('applies in order, ignores an older fact delivered late (clock included), and applies a duplicate again', async () => {
    expect(await put(em(), 'a', 10, 'one')).toBe(true);
    expect(await put(em(), 'a', 20, 'two')).toBe(true);
    expect(await put(em(), 'a', 15, 'late')).toBe(false);
    expect(await row('a')).toMatchObject({ label: 'two', updated_at: '20' });
    // the same event again: the same values again, nothing else
    expect(await put(em(), 'a', 20, 'two')).toBe(true);
    expect(await row('a')).toMatchObject({ label: 'two', updated_at: '20' });
  });

  it('keeps a delete as a tombstone, also of a key never seen, so an older create delivered after it loses', async () => {
    expect(await put(em(), 'b', 30, null, 'deleted')).toBe(true); // the delete, first
    expect(await put(em(), 'b', 25, 'created')).toBe(false); // its older create, late
    expect(await row('b')).toEqual({ label: null, status: 'deleted', price: null, updated_at: '30', price_at: null });
    expect(await put(em(), 'b', 31, 'created again')).toBe(true);
    expect(await row('b')).toMatchObject({ label: 'created again', status: 'live', updated_at: '31' });
  });

  it('ends at the newest fact whatever the order and however often each is delivered', async () => {
    const facts = [1, 2, 3, 4, 5, 6, 7, 8].map((s) => ({ s, label: `v${s}` }));
    for (let round = 0; round < 5; round++) {
      const id = `shuffle-${round}`;
      const deliveries = [...facts, ...facts.filter((_, i) => (i + round) % 3 === 0)].sort(() => Math.random() - 0.5);
      for (const d of deliveries) await put(em(), id, d.s, d.label);
      expect({ round, ...(await row(id)) }).toMatchObject({ round, label: 'v8', updated_at: '08' });
    }
  });

  it('orders a group of columns by its own clock, leaving the other alone', async () => {
    const price = (s: number, p: string) => upsertIfNewer(em(), PRICE, 'c', t(s), { set: { price: p }, onInsert: { status: 'unknown', updated_at: '-infinity' } });
    expect(await price(40, '10')).toBe(true); // creates the row: price clock 40, listing clock -infinity
    expect(await put(em(), 'c', 5, 'listed')).toBe(true); // any listing beats -infinity
    expect(await price(39, '9')).toBe(false);
    expect(await price(41, '11')).toBe(true);
    expect(await row('c')).toEqual({ label: 'listed', status: 'live', price: '11', updated_at: '05', price_at: '41' });
    expect(await put(em(), 'c', 4, 'older')).toBe(false); // the price clock does not order listings
  });

  describe('applyIfNewer (the fact depends on the row)', () => {
    type Row = { label: string | null; status: string };
    /** Counts deliveries on the label: a transition of the row, not a plain overwrite. */
    const bump = (e: EntityManager, id: string, s: number) =>
      applyIfNewer<Row>(e, REF, id, t(s), (prev) => ({ set: { label: String(Number(prev?.label ?? 0) + 1) }, onInsert: { status: 'live' } }));

    it('gives the row as it was, says stale without writing, and writes nothing when told so', async () => {
      expect(await bump(em(), 'd', 10)).toEqual({ applied: true, stale: false, prev: undefined });
      expect(await bump(em(), 'd', 10)).toMatchObject({ applied: true, stale: false, prev: { label: '1', status: 'live' } }); // a duplicate: the writer sees what it left
      expect(await bump(em(), 'd', 9)).toMatchObject({ applied: false, stale: true, prev: { label: '2' } });
      expect(await applyIfNewer<Row>(em(), REF, 'd', t(11), () => undefined)).toMatchObject({ applied: false, stale: false, prev: { label: '2' } });
      expect(await applyIfNewer<Row>(em(), REF, 'never', t(11), () => undefined)).toEqual({ applied: false, stale: false, prev: undefined });
      expect(await row('d')).toMatchObject({ label: '2', updated_at: '10' });
      expect(await row('never')).toBeUndefined();
    });

    it('serializes two deliveries of a key not yet there: the second waits, then decides on the row the first left', async () => {
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let inserted!: () => void;
      const first = em().transactional(async (tx) => {
        const r = await bump(tx, 'e', 20);
        inserted();
        await held;
        return r;
      });
      await new Promise<void>((r) => (inserted = r));
      let secondDone = false;
      const second = em()
        .transactional((tx) => bump(tx, 'e', 20))
        .finally(() => (secondDone = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(secondDone).toBe(false); // waiting on the first's uncommitted row
      release();
      expect(await first).toEqual({ applied: true, stale: false, prev: undefined });
      expect(await second).toMatchObject({ applied: true, stale: false, prev: { label: '1' } });
      expect(await row('e')).toMatchObject({ label: '2', updated_at: '20' });
    });
  });

  it('refuses a name that is not a plain SQL name', async () => {
    await expect(upsertIfNewer(em(), { ...REF, key: 'id" = 1; --' }, 'x', t(1), { set: {} })).rejects.toThrow(/not a plain SQL name/);
  });
});
