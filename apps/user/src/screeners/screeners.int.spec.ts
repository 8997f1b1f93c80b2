import { randomUUID } from 'node:crypto';
import { FilterDefined, FilterRetired } from '@alphintra/contracts';
import { FakeStrategy } from '@alphintra/testing';
import { startUserService, type UserServiceFixture } from '../testing/user-service.fixture';

describe('custom screeners', () => {
  let f: UserServiceFixture;
  let strategy: FakeStrategy;
  const alice = randomUUID();
  const bob = randomUUID();
  const base = '/api/v1/users/me/screeners';
  const filters = { marketCap: randomUUID(), peRatio: randomUUID(), sector: randomUUID(), country: randomUUID() };

  const define = async (id: string, kind: 'numeric' | 'categorical', key: string) => f.consumed(await f.publish(FilterDefined, id, { id, kind, key, label: key.replace('_', ' ') }));
  const body = (over: object = {}) => ({
    name: `Screener ${randomUUID().slice(0, 8)}`,
    numeric: [
      { filterId: filters.marketCap, min: '1000000000' },
      { filterId: filters.peRatio, min: '0.5', max: '25.75' },
    ],
    categorical: [{ filterId: filters.sector, values: ['Technology', 'Consumer, Cyclical', 'NULL'] }],
    ...over,
  });
  const create = async (over: object = {}, as = alice) => {
    const r = await f.api('POST', base, { as, body: body(over) });
    expect(r.status).toBe(201);
    return r.body;
  };

  beforeAll(async () => {
    strategy = await FakeStrategy.start();
    f = await startUserService({ STRATEGY_URL: strategy.url, STRATEGY_TIMEOUT_MS: '2000' });
    await define(filters.marketCap, 'numeric', 'market_cap');
    await define(filters.peRatio, 'numeric', 'pe_ratio');
    await define(filters.sector, 'categorical', 'sector');
    await define(filters.country, 'categorical', 'country');
  });
  afterAll(async () => {
    await f?.close();
    await strategy?.close();
  });
  beforeEach(() => {
    strategy.received = [];
    strategy.mode = 'up';
    strategy.screen = { status: 200, body: { items: [] } };
  });

  it('creates a screener and reads it back, alone and in the list', async () => {
    const created = await create({ name: 'Large caps' });
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Large caps',
      numeric: [
        { filterId: filters.marketCap, min: '1000000000', max: null },
        { filterId: filters.peRatio, min: '0.5', max: '25.75' },
      ],
      categorical: [{ filterId: filters.sector, values: ['Technology', 'Consumer, Cyclical', 'NULL'] }],
      disabled: false,
      disabledReason: null,
      createdAt: expect.any(String),
    });
    expect((await f.api('GET', `${base}/${created.id}`, { as: alice })).body).toEqual(created);
    expect((await f.api('GET', base, { as: alice })).body.items).toContainEqual(created);
    expect((await f.api('POST', base, { as: alice, body: body({ name: 'Large caps' }) })).body).toMatchObject({ status: 409, code: 'SCREENER.DUPLICATE_NAME' });
  });

  it.each([
    ['an unknown numeric filterId', { numeric: [{ filterId: randomUUID(), min: '1' }] }, 'SCREENER.UNKNOWN_FILTER', 'numeric.0.filterId'],
    ['an unknown categorical filterId', { categorical: [{ filterId: filters.sector, values: ['Energy'] }, { filterId: randomUUID(), values: ['x'] }] }, 'SCREENER.UNKNOWN_FILTER', 'categorical.1.filterId'],
    ['a categorical filter used as numeric', { numeric: [{ filterId: filters.country, min: '1' }] }, 'SCREENER.WRONG_FILTER_KIND', 'numeric.0.filterId'],
    ['a numeric filter used as categorical', { categorical: [{ filterId: filters.marketCap, values: ['x'] }] }, 'SCREENER.WRONG_FILTER_KIND', 'categorical.0.filterId'],
  ])('answers 422 for %s, writing nothing', async (_, over, code, path) => {
    const before = await f.snapshot();
    const r = await f.api('POST', base, { as: alice, body: body(over) });
    expect(r.status).toBe(422);
    expect(r.contentType).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ code, errors: [{ path }] });
    expect(await f.snapshot()).toEqual(before);
  });

  it("runs the stored filters through strategy's screen API, forwarding the caller's token", async () => {
    const screener = await create({ name: 'Run me' });
    const apple = { symbol: 'AAPL', name: 'Apple Inc.', exchange: 'NASDAQ', sector: 'Technology', marketCap: '3000000000000', lastPrice: '190.12', status: 'listed' };
    strategy.screen = { status: 200, body: { items: [apple] } };

    const r = await f.api('POST', `${base}/${screener.id}/run`, { as: alice });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ items: [apple] });
    const [call] = strategy.requestsTo('/api/v1/screens/run');
    expect(call!.authorization).toBe(f.bearer(alice));
    expect(call!.body).toEqual({
      numeric: [
        { filterId: filters.marketCap, min: '1000000000' },
        { filterId: filters.peRatio, min: '0.5', max: '25.75' },
      ],
      categorical: [{ filterId: filters.sector, values: ['Technology', 'Consumer, Cyclical', 'NULL'] }],
    });
  });

  it('answers 503 problem+json when strategy is unreachable or failing, and 422 when it refuses the screen', async () => {
    const screener = await create();
    strategy.mode = 'down';
    const down = await f.api('POST', `${base}/${screener.id}/run`, { as: alice });
    expect(down.status).toBe(503);
    expect(down.contentType).toMatch(/^application\/problem\+json/);

    strategy.mode = 'up';
    strategy.screen = { status: 500, body: { detail: 'boom' } };
    expect((await f.api('POST', `${base}/${screener.id}/run`, { as: alice })).status).toBe(503);
    strategy.screen = { status: 200, body: { nothing: true } };
    expect((await f.api('POST', `${base}/${screener.id}/run`, { as: alice })).status).toBe(503);
    strategy.screen = { status: 422, body: { status: 422, detail: 'filter is unknown' } };
    expect((await f.api('POST', `${base}/${screener.id}/run`, { as: alice })).body).toMatchObject({ status: 422, code: 'SCREENER.REJECTED_BY_STRATEGY' });
  });

  it('disables screeners using a retired filter (kept, with the reason), refuses new ones, and enables them when it is defined again', async () => {
    const id = randomUUID();
    await define(id, 'numeric', 'dividend_yield');
    const using = await create({ numeric: [{ filterId: id, min: '2' }], categorical: [] });
    const other = await create({ numeric: [{ filterId: filters.marketCap, max: '5' }], categorical: [] });

    await f.consumed(await f.publish(FilterRetired, id, { id, kind: 'numeric' }));
    const shown = await f.api('GET', `${base}/${using.id}`, { as: alice });
    expect(shown.body).toMatchObject({ disabled: true, disabledReason: 'retired filters: dividend_yield' });
    expect((await f.api('GET', `${base}/${other.id}`, { as: alice })).body).toMatchObject({ disabled: false });

    const run = await f.api('POST', `${base}/${using.id}/run`, { as: alice });
    expect(run.status).toBe(422);
    expect(run.body).toMatchObject({ code: 'SCREENER.DISABLED' });
    expect(strategy.received).toHaveLength(0);
    const refused = await f.api('POST', base, { as: alice, body: body({ numeric: [{ filterId: id }] }) });
    expect(refused.body).toMatchObject({ status: 422, code: 'SCREENER.RETIRED_FILTER', errors: [{ path: 'numeric.0.filterId' }] });

    await define(id, 'numeric', 'dividend_yield');
    expect((await f.api('GET', `${base}/${using.id}`, { as: alice })).body).toMatchObject({ disabled: false, disabledReason: null });
  });

  it("answers 404 for another user's screener", async () => {
    const screener = await create();
    expect((await f.api('GET', `${base}/${screener.id}`, { as: bob })).body).toMatchObject({ status: 404, code: 'SCREENER.NOT_FOUND' });
    expect((await f.api('POST', `${base}/${screener.id}/run`, { as: bob })).status).toBe(404);
    expect((await f.api('GET', base, { as: bob })).body.items).toEqual([]);
    expect(strategy.received).toHaveLength(0);
  });

  describe('bad input: 400 naming the field, nothing written', () => {
    let id: string;
    beforeAll(async () => (id = (await create()).id));

    it.each([
      ['POST', '', { name: '' }, 'name'],
      ['POST', '', { numeric: [], categorical: [] }, 'numeric'],
      ['POST', '', { numeric: [{ filterId: 'nope' }] }, 'numeric.0.filterId'],
      ['POST', '', { numeric: [{ filterId: filters.marketCap, min: 'abc' }] }, 'numeric.0.min'],
      ['POST', '', { numeric: [{ filterId: filters.marketCap, max: 10 }] }, 'numeric.0.max'],
      ['POST', '', { numeric: [{ filterId: filters.marketCap, min: '10', max: '9.99' }] }, 'numeric.0.min'],
      ['POST', '', { numeric: [{ filterId: filters.marketCap }, { filterId: filters.marketCap }] }, 'numeric.1.filterId'],
      ['POST', '', { categorical: [{ filterId: filters.sector, values: [] }] }, 'categorical.0.values'],
      ['POST', '', { categorical: [{ filterId: filters.sector, values: [''] }] }, 'categorical.0.values.0'],
      ['POST', '', { categorical: [{ filterId: filters.sector }] }, 'categorical.0.values'],
      ['POST', '', { numeric: 'all' }, 'numeric'],
      ['GET', '?limit=abc', undefined, 'limit'],
      ['GET', '/123', undefined, 'id'],
      ['POST', '/123/run', undefined, 'id'],
    ])('%s screeners%s %j → 400 naming %s', async (method, suffix, over, field) => {
      const before = await f.snapshot();
      const r = await f.api(method, base + suffix.replace('{id}', id), { as: alice, body: over && body(over) });
      expect(r.status).toBe(400);
      expect(r.contentType).toMatch(/^application\/problem\+json/);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      expect(await f.snapshot()).toEqual(before);
      expect(strategy.received).toHaveLength(0);
    });
  });
});
