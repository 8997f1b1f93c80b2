import { InstrumentListed, PriceUpdated } from '@alphintra/contracts';
import { startStrategy, type StrategyFixture } from '../testing/strategy-service.fixture';
import { sessionDates } from './demo-market';
import { seedDemoCommand } from './seed-demo.command';

describe('seed-demo', () => {
  let f: StrategyFixture;
  let env: Record<string, string>;
  beforeAll(async () => {
    f = await startStrategy();
    env = f.svc.inst.envFor('strategy');
  });
  afterAll(() => f?.close());

  it('writes the demo data set as the runtime user, with listed and price events through the outbox; a second run writes nothing', async () => {
    const args = ['--instruments', '12', '--years', '0.25', '--seed', '5'];
    const sessions = sessionDates('2025-12-31', 0.25).length;
    expect(await seedDemoCommand(args, env)).toEqual({ seeded: true, instruments: 12, bars: 12 * sessions });
    expect(await f.count('stock')).toBe(12);
    expect(await f.count('stock_history')).toBe(12 * sessions);
    expect(await f.count('stock', 'last_price is null or change_1d_pct is null or volume is null')).toBe(0);
    expect(await f.count('outbox', 'event_type = ?', [InstrumentListed.type])).toBe(12);
    expect(await f.count('outbox', 'event_type = ?', [PriceUpdated.type])).toBe(12);

    const [stock] = (await f.call('trader', 'GET', '/api/v1/instruments?limit=1')).body.items;
    const bars = (await f.call('trader', 'GET', `/api/v1/instruments/${stock.symbol}/bars?from=2025-12-01`)).body.items;
    expect(bars[bars.length - 1]).toMatchObject({ date: '2025-12-31', close: stock.lastPrice, volume: stock.volume });
    const e = await f.tap.waitFor(PriceUpdated.type, (d) => d.symbol === stock.symbol);
    expect(e.data).toEqual({ symbol: stock.symbol, price: stock.lastPrice, at: '2025-12-31T00:00:00.000Z' });

    expect(await seedDemoCommand(args, env)).toEqual({ seeded: false, instruments: 0, bars: 0 });
    expect(await f.count('stock')).toBe(12);
    expect(await f.count('outbox', 'event_type = ?', [InstrumentListed.type])).toBe(12);
  });

  it('writes the same data for the same seed', async () => {
    const checksum = async () => {
      const [row] = await f
        .em()
        .execute<{ sum: string }[]>(`select md5(string_agg(concat_ws(',', "symbol", "date", "open", "high", "low", "close", "volume"), ';' order by "symbol", "date")) as sum from "strategy_data"."stock_history"`);
      return row!.sum;
    };
    const first = await checksum();
    await f.em().execute(`delete from "strategy_data"."stock_history"`);
    await f.em().execute(`delete from "strategy_data"."stock"`);
    await seedDemoCommand(['--instruments', '12', '--years', '0.25', '--seed', '5'], env);
    expect(await checksum()).toBe(first);
  });
});
