import { randomUUID } from 'node:crypto';
import { InstrumentDelisted, InstrumentListed } from '@alphintra/contracts';
import { startUserService, type UserServiceFixture } from '../testing/user-service.fixture';

const listing = (symbol: string, name = `${symbol} Inc.`) => ({ symbol, name, exchange: 'NASDAQ', sector: 'Technology', industry: null, country: 'US', currency: 'USD' });

describe('watchlists', () => {
  let f: UserServiceFixture;
  const alice = randomUUID();
  const bob = randomUUID();
  const base = '/api/v1/users/me/watchlists';

  const list = async (symbol: string) => f.consumed(await f.publish(InstrumentListed, symbol, listing(symbol)));
  const create = async (name: string, as = alice) => {
    const r = await f.api('POST', base, { as, body: { name } });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  beforeAll(async () => {
    f = await startUserService();
    for (const s of ['AAPL', 'MSFT', 'AMZN']) await list(s);
  });
  afterAll(() => f?.close());

  it('creates a watchlist, adds and removes symbols, and shows items with their status', async () => {
    const r = await f.api('POST', base, { as: alice, body: { name: 'Tech' } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Tech', createdAt: expect.any(String), items: [] });
    const id = r.body.id;

    const added = await f.api('POST', `${base}/${id}/items`, { as: alice, body: { symbol: 'aapl' } });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ symbol: 'AAPL', name: 'AAPL Inc.', exchange: 'NASDAQ', status: 'active', addedAt: expect.any(String) });
    expect((await f.api('POST', `${base}/${id}/items`, { as: alice, body: { symbol: 'MSFT' } })).status).toBe(201);

    const one = await f.api('GET', `${base}/${id}`, { as: alice });
    expect(one.body.items.map((i: { symbol: string; status: string }) => [i.symbol, i.status])).toEqual([
      ['AAPL', 'active'],
      ['MSFT', 'active'],
    ]);
    const all = await f.api('GET', base, { as: alice });
    expect(all.body.items.find((w: { id: string }) => w.id === id).items).toHaveLength(2);

    expect((await f.api('DELETE', `${base}/${id}/items/MSFT`, { as: alice })).status).toBe(204);
    expect((await f.api('DELETE', `${base}/${id}/items/MSFT`, { as: alice })).body).toMatchObject({ status: 404, code: 'WATCHLIST.ITEM_NOT_FOUND' });
    expect((await f.api('GET', `${base}/${id}`, { as: alice })).body.items.map((i: { symbol: string }) => i.symbol)).toEqual(['AAPL']);
  });

  it('refuses a duplicate name (409) per user, and a symbol already on the list (409)', async () => {
    const id = await create('Dupes');
    const again = await f.api('POST', base, { as: alice, body: { name: 'Dupes' } });
    expect(again.status).toBe(409);
    expect(again.contentType).toMatch(/^application\/problem\+json/);
    expect(again.body).toMatchObject({ code: 'WATCHLIST.DUPLICATE_NAME', errors: [{ path: 'name' }] });
    await create('Dupes', bob);

    await f.api('POST', `${base}/${id}/items`, { as: alice, body: { symbol: 'AAPL' } });
    expect((await f.api('POST', `${base}/${id}/items`, { as: alice, body: { symbol: 'AAPL' } })).body).toMatchObject({ status: 409, code: 'WATCHLIST.DUPLICATE_ITEM' });
  });

  it('answers 422 for a symbol strategy does not list, writing nothing; marketdata.instrument.listed makes it usable', async () => {
    const id = await create('Later');
    const before = await f.snapshot();
    const r = await f.api('POST', `${base}/${id}/items`, { as: alice, body: { symbol: 'NVDA' } });
    expect(r.status).toBe(422);
    expect(r.contentType).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ status: 422, code: 'WATCHLIST.UNKNOWN_SYMBOL', errors: [{ path: 'symbol' }] });
    expect(await f.snapshot()).toEqual(before);

    await list('NVDA');
    expect((await f.api('POST', `${base}/${id}/items`, { as: alice, body: { symbol: 'NVDA' } })).status).toBe(201);
  });

  it('marks items of a delisted symbol delisted (kept, shown), refuses new ones, and follows a relisting', async () => {
    await list('GME');
    const first = await create('Meme');
    const second = await create('Meme', bob);
    for (const [id, as] of [
      [first, alice],
      [second, bob],
    ]) {
      await f.api('POST', `${base}/${id}/items`, { as, body: { symbol: 'GME' } });
      await f.api('POST', `${base}/${id}/items`, { as, body: { symbol: 'AMZN' } });
    }

    const delisting = { symbol: 'GME', delistedAt: new Date().toISOString() };
    const eventId = await f.publish(InstrumentDelisted, 'GME', delisting);
    await f.consumed(eventId);
    const statuses = async (id: string, as: string) =>
      Object.fromEntries((await f.api('GET', `${base}/${id}`, { as })).body.items.map((i: { symbol: string; status: string }) => [i.symbol, i.status]));
    expect(await statuses(first, alice)).toEqual({ GME: 'delisted', AMZN: 'active' });
    expect(await statuses(second, bob)).toEqual({ GME: 'delisted', AMZN: 'active' });

    const third = await create('Meme 2');
    const refused = await f.api('POST', `${base}/${third}/items`, { as: alice, body: { symbol: 'GME' } });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'WATCHLIST.DELISTED_SYMBOL' });

    // The same event again is absorbed by the inbox; a relisting makes the items active again.
    await f.publish(InstrumentDelisted, 'GME', delisting, { id: eventId });
    await list('GME');
    expect(await statuses(first, alice)).toEqual({ GME: 'active', AMZN: 'active' });
    expect((await f.sql(`select 1 from "user_data"."inbox" where "event_id" = ?`, [eventId])).length).toBe(1);
  });

  it("answers 404 for another user's watchlist, whatever the operation, and changes nothing", async () => {
    const id = await create('Private');
    await f.api('POST', `${base}/${id}/items`, { as: alice, body: { symbol: 'AAPL' } });
    const before = await f.snapshot();
    for (const [method, path, body] of [
      ['GET', `${base}/${id}`],
      ['DELETE', `${base}/${id}`],
      ['POST', `${base}/${id}/items`, { symbol: 'MSFT' }],
      ['DELETE', `${base}/${id}/items/AAPL`],
    ] as const) {
      const r = await f.api(method, path, { as: bob, body });
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ code: 'WATCHLIST.NOT_FOUND' });
    }
    expect((await f.api('GET', base, { as: bob })).body.items.map((w: { id: string }) => w.id)).not.toContain(id);
    expect(await f.snapshot()).toEqual(before);
  });

  it('deletes a watchlist with its items', async () => {
    const id = await create('Short-lived');
    await f.api('POST', `${base}/${id}/items`, { as: alice, body: { symbol: 'AAPL' } });
    expect((await f.api('DELETE', `${base}/${id}`, { as: alice })).status).toBe(204);
    expect((await f.api('GET', `${base}/${id}`, { as: alice })).status).toBe(404);
    expect(await f.sql(`select 1 from "user_data"."custom_collection_stock" where "collection_id" = ?`, [id])).toHaveLength(0);
  });

  it('pages the list with limit and cursor', async () => {
    const carol = randomUUID();
    const ids = [await create('A', carol), await create('B', carol), await create('C', carol)];
    const first = await f.api('GET', `${base}?limit=2`, { as: carol });
    expect(first.body.items.map((w: { id: string }) => w.id)).toEqual(ids.slice(0, 2));
    expect(first.body.nextCursor).toBe(ids[1]);
    const second = await f.api('GET', `${base}?limit=2&cursor=${first.body.nextCursor}`, { as: carol });
    expect(second.body).toMatchObject({ items: [{ id: ids[2], name: 'C' }], nextCursor: null });
  });

  describe('bad input: 400 naming the field, nothing written', () => {
    let id: string;
    beforeAll(async () => (id = await create('Valid')));

    it.each([
      ['POST', '', { name: '' }, 'name'],
      ['POST', '', { name: '   ' }, 'name'],
      ['POST', '', { name: 'x'.repeat(101) }, 'name'],
      ['POST', '', {}, 'name'],
      ['POST', '', { name: 'ok', extra: 1 }, '(body)'],
      ['GET', '?limit=0', undefined, 'limit'],
      ['GET', '?limit=501', undefined, 'limit'],
      ['GET', '?cursor=nope', undefined, 'cursor'],
      ['GET', '/not-a-uuid', undefined, 'id'],
      ['DELETE', '/not-a-uuid', undefined, 'id'],
      ['POST', '/not-a-uuid/items', { symbol: 'AAPL' }, 'id'],
      ['POST', '/{id}/items', { symbol: 'A$PL' }, 'symbol'],
      ['POST', '/{id}/items', { symbol: 42 }, 'symbol'],
      ['POST', '/{id}/items', {}, 'symbol'],
      ['DELETE', '/{id}/items/A$PL', undefined, 'symbol'],
      ['DELETE', '/not-a-uuid/items/AAPL', undefined, 'id'],
    ])('%s watchlists%s %j → 400 naming %s', async (method, suffix, body, field) => {
      const before = await f.snapshot();
      const r = await f.api(method, base + suffix.replace('{id}', id), { as: alice, body });
      expect(r.status).toBe(400);
      expect(r.contentType).toMatch(/^application\/problem\+json/);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      expect(await f.snapshot()).toEqual(before);
    });
  });
});
