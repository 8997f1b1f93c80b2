import { FilterDefined } from '@alphintra/contracts';
import { query } from '@alphintra/platform-database';
import { startStrategy, type StrategyFixture } from '../testing/strategy-service.fixture';
import { FilterAnnouncer } from './filter.announcer';

// symbol, sector, exchange, country, market cap, P/E, last price, 1-day change %, volume, status
const KNOWN = [
  ['TA', 'Technology', 'NASDAQ', 'US', '300000000000', '30', '150', '1.5', '5000000', 'listed'],
  ['TB', 'Technology', 'NYSE', 'US', '250000000000', '12', '80', '3.5', '2000000', 'listed'],
  ['TC', 'Technology', 'LSE', 'GB', '5000000000', '10', '20', '-2', '500000', 'listed'],
  ['FA', 'Financials', 'NYSE', 'US', '50000000000', '9', '40', '4', '3000000', 'listed'],
  ['FB', 'Financials', 'XETRA', 'DE', '3000000000', null, '12', '0.5', '100000', 'listed'],
  ['EA', 'Energy', 'NYSE', 'US', '2500000000', '14', '55', '3.2', '1500000', 'listed'],
  ['TD', 'Technology', 'NASDAQ', 'US', '400000000000', '25', '300', '5', '9000000', 'delisted'],
  ['NP', 'Technology', 'NASDAQ', 'US', '1000000000', '8', null, null, null, 'listed'],
] as const;

const SCREENERS = {
  largeCapTech: '5e0b0000-0000-4000-8000-000000000301',
  value: '5e0b0000-0000-4000-8000-000000000302',
  gainers: '5e0b0000-0000-4000-8000-000000000303',
};

describe('filters, screeners and screens', () => {
  let f: StrategyFixture;
  let numeric: Record<string, string>;
  let categorical: Record<string, string>;
  const symbols = (r: { body: { items: { symbol: string }[] } }) => r.body.items.map((i) => i.symbol);
  const screen = (body: unknown) => f.call('trader', 'POST', '/api/v1/screens/run', body);

  beforeAll(async () => {
    f = await startStrategy();
    for (const [symbol, sector, exchange, country, cap, pe, price, change, volume, status] of KNOWN) {
      await f.em().execute(
        `insert into "strategy_data"."stock" ("symbol", "name", "exchange", "sector", "country", "currency", "market_cap", "pe_ratio", "last_price", "change_1d_pct", "volume", "status", "delisted_at")
         values (?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?, ?, ?, ?)`,
        [symbol, `${symbol} Corp.`, exchange, sector, country, cap, pe, price, change, volume, status, status === 'delisted' ? new Date() : null],
      );
    }
    const byKey = (items: { id: string; key: string }[]) => Object.fromEntries(items.map((i) => [i.key, i.id]));
    numeric = byKey((await f.call('trader', 'GET', '/api/v1/filters/numeric')).body.items);
    categorical = byKey((await f.call('trader', 'GET', '/api/v1/filters/categorical')).body.items);
  });
  afterAll(() => f?.close());

  it('lists the seeded filter definitions; categorical ones with the values listed instruments have', async () => {
    expect(Object.keys(numeric).sort()).toEqual(['change_1d_pct', 'market_cap', 'pe_ratio', 'price', 'volume']);
    const cat = (await f.call('trader', 'GET', '/api/v1/filters/categorical')).body;
    expect(cat.items.find((i: { key: string }) => i.key === 'sector')).toMatchObject({ label: 'Sector', status: 'active', values: ['Energy', 'Financials', 'Technology'] });
    expect(cat.items.find((i: { key: string }) => i.key === 'country').values).toEqual(['DE', 'GB', 'US']);
  });

  it('announced every filter once at start as marketdata.filter.defined', async () => {
    const e = await f.tap.waitFor(FilterDefined.type, (d) => d.key === 'sector');
    expect(e.data).toEqual({ id: categorical.sector, kind: 'categorical', key: 'sector', label: 'Sector' });
    await f.tap.waitFor(FilterDefined.type, (d) => d.key === 'market_cap');
    expect(await f.count('numeric_filter', 'announced_at is null')).toBe(0);
    expect(await f.count('categorical_filter', 'announced_at is null')).toBe(0);
    const again = await f.em().transactional((em) => f.svc.app.get(FilterAnnouncer).announcePending(em));
    expect(again).toBe(0);
    expect(await f.count('outbox', 'event_type = ?', [FilterDefined.type])).toBe(8);
  });

  it('lists and shows the predefined screeners; 404 for an unknown one', async () => {
    const list = (await f.call('trader', 'GET', '/api/v1/screeners')).body.items;
    expect(list.map((s: { name: string }) => s.name)).toEqual(['Active gainers', 'Large-cap technology', 'Value stocks']);
    const one = (await f.call('trader', 'GET', `/api/v1/screeners/${SCREENERS.largeCapTech}`)).body;
    expect(one).toEqual({
      id: SCREENERS.largeCapTech,
      name: 'Large-cap technology',
      description: expect.any(String),
      numeric: [{ filterId: numeric.market_cap, key: 'market_cap', min: '200000000000', max: null }],
      categorical: [{ filterId: categorical.sector, key: 'sector', values: ['Technology'] }],
    });
    expect((await f.call('trader', 'GET', '/api/v1/screeners/6e0b0000-0000-4000-8000-000000000301')).status).toBe(404);
    expect((await f.call('trader', 'POST', '/api/v1/screeners/6e0b0000-0000-4000-8000-000000000301/run')).status).toBe(404);
  });

  it('runs predefined screeners over listed instruments, largest first', async () => {
    const run = (id: string) => f.call('trader', 'POST', `/api/v1/screeners/${id}/run`);
    expect(symbols(await run(SCREENERS.largeCapTech))).toEqual(['TA', 'TB']);
    expect(symbols(await run(SCREENERS.value))).toEqual(['TB', 'FA', 'TC', 'EA']);
    expect(symbols(await run(SCREENERS.gainers))).toEqual(['TB', 'FA', 'EA']);
    expect(symbols(await f.call('trader', 'POST', `/api/v1/screeners/${SCREENERS.value}/run?limit=1`))).toEqual(['TB']);
  });

  it('runs an ad-hoc screen (numeric and categorical filters) returning exactly the matching instruments', async () => {
    const r = await screen({
      numeric: [
        { filterId: numeric.price, min: '30', max: '200' },
        { filterId: numeric.market_cap, min: '2000000000' },
        { filterId: numeric.volume, min: '1000000' },
      ],
      categorical: [
        { filterId: categorical.sector, values: ['Technology', 'Financials'] },
        { filterId: categorical.country, values: ['US'] },
      ],
    });
    expect(r.status).toBe(200);
    expect(symbols(r)).toEqual(['TA', 'TB', 'FA']);
    expect(r.body.items[0]).toEqual({
      symbol: 'TA', name: 'TA Corp.', exchange: 'NASDAQ', sector: 'Technology', industry: null, country: 'US', currency: 'USD',
      marketCap: '300000000000', peRatio: '30', lastPrice: '150', change1dPct: '1.5', volume: '5000000', status: 'listed',
    });
    const cheapValue = await screen({ numeric: [{ filterId: numeric.pe_ratio, max: '10' }], categorical: [{ filterId: categorical.exchange, values: ['NYSE', 'XETRA'] }] });
    expect(symbols(cheapValue)).toEqual(['FA']);
    const withPrice = await screen({ numeric: [{ filterId: numeric.price }], limit: 2 });
    expect(symbols(withPrice)).toEqual(['TA', 'TB']);
    const injection = await screen({ categorical: [{ filterId: categorical.sector, values: ["Technology' or '1'='1"] }] });
    expect(symbols(injection)).toEqual([]);
  });

  it('answers 422 naming each criterion whose filter is unknown, or whose bound the filter cannot take', async () => {
    const r = await screen({
      numeric: [
        { filterId: '6e0b0000-0000-4000-8000-000000000101', min: '1' },
        { filterId: categorical.sector, min: '1' },
        { filterId: numeric.volume, min: '1.5' },
      ],
      categorical: [{ filterId: numeric.market_cap, values: ['x'] }],
    });
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('SCREEN.INVALID_CRITERIA');
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(['numeric.0.filterId', 'numeric.1.filterId', 'numeric.2.min', 'categorical.0.filterId']);
  });

  it.each([
    ['numeric.0.filterId', { numeric: [{ filterId: 'market_cap', min: '1' }] }],
    ['numeric.0.min', { numeric: [{ filterId: '5e0b0000-0000-4000-8000-000000000101', min: 1 }] }],
    ['numeric.0.max', { numeric: [{ filterId: '5e0b0000-0000-4000-8000-000000000101', min: '10', max: '9' }] }],
    ['categorical.0.values', { categorical: [{ filterId: '5e0b0000-0000-4000-8000-000000000201', values: [] }] }],
    ['limit', { limit: 501 }],
    ['sort', { sort: 'name' }],
  ])('answers 400 naming %s for a malformed screen', async (field, body) => {
    const r = await screen(body);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.errors)).toContain(field);
  });

  it('answers 400 for a screener id that is not a UUID, or a bad limit', async () => {
    const r = await f.call('trader', 'GET', '/api/v1/screeners/value');
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe('id');
    const limit = await f.call('trader', 'POST', `/api/v1/screeners/${SCREENERS.value}/run?limit=lots`);
    expect(limit.status).toBe(400);
    expect(limit.body.errors[0].path).toBe('limit');
  });

  it('runs raw statements inside the caller’s transaction (a rollback takes them back)', async () => {
    const insert = `insert into "strategy_data"."stock" ("symbol", "name", "exchange", "currency", "market_cap") values ($1, 'Rollback', 'NYSE', 'USD', 1)`;
    await expect(
      f.em().transactional(async (em) => {
        await query(em, insert, ['RLBK']);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await f.count('stock', `symbol = 'RLBK'`)).toBe(0);
  });
});
