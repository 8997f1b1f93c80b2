import { Dec } from '@alphintra/money';
import { ALWAYS_OPEN, US_REGULAR_HOURS } from './market-session';
import { SimulatedMarket, type SimulationOptions, type Tick } from './simulated-market';

const instruments = [
  { symbol: 'MSFT', lastClose: '410.5' },
  { symbol: 'AAPL', lastClose: '187.25' },
];
const start = Date.parse('2026-01-14T14:00:00Z');
const options = (o: Partial<SimulationOptions> = {}): SimulationOptions => ({ seed: 7, start, speed: 1, session: US_REGULAR_HOURS, tickMs: 4000, ...o });

function run(o: SimulationOptions, until: number, step: number): Tick[] {
  const m = new SimulatedMarket(instruments, o);
  const out: Tick[] = [];
  for (let t = o.start; t < until; t += step) out.push(...m.advanceTo(Math.min(t + step, until)));
  return out;
}

describe('the simulated market', () => {
  const end = Date.parse('2026-01-14T21:10:00Z');

  it('gives the same ticks for the same seed and start, however the time is stepped through', () => {
    const a = run(options(), end, 1000);
    expect(a.length).toBeGreaterThan(10_000);
    expect(run(options(), end, 3_600_000)).toEqual(a);
    expect(run(options({ seed: 8 }), end, 3_600_000)).not.toEqual(a);
  });

  it('trades only in the session, with an opening auction at 09:30 New York and a closing one at 16:00', () => {
    const ticks = run(options(), end, 60_000);
    const times = ticks.map((t) => t.quote.at);
    expect(times[0]).toBe('2026-01-14T14:30:00.000Z');
    expect(times[times.length - 1]).toBe('2026-01-14T21:00:00.000Z');
    const auctions = ticks.filter((t) => t.trade?.auction).map((t) => [t.trade!.symbol, t.trade!.auction, new Date(t.trade!.at).toISOString()]);
    expect(auctions).toEqual([
      ['AAPL', 'open', '2026-01-14T14:30:00.000Z'],
      ['MSFT', 'open', '2026-01-14T14:30:00.000Z'],
      ['AAPL', 'close', '2026-01-14T21:00:00.000Z'],
      ['MSFT', 'close', '2026-01-14T21:00:00.000Z'],
    ]);
  });

  it('quotes a positive spread of whole cents around the last close, with trades at the bid or the ask', () => {
    const ticks = run(options({ session: ALWAYS_OPEN }), start + 600_000, 1000);
    expect(ticks[0]!.trade).toMatchObject({ auction: 'open' });
    for (const { quote: q, trade } of ticks) {
      expect(new Dec(q.ask).gt(q.bid)).toBe(true);
      expect(new Dec(q.bid).mul(100).isInteger()).toBe(true);
      if (trade && !trade.auction) expect([q.bid, q.ask]).toContain(trade.price);
    }
    const aapl = ticks.filter((t) => t.quote.symbol === 'AAPL').map((t) => new Dec(t.quote.last));
    expect(aapl.every((p) => p.gt(170) && p.lt(205))).toBe(true);
    expect(ticks.filter((t) => t.trade).length).toBeGreaterThan(ticks.length / 4);
  });

  it('at 60× moves as much in a wall minute as at 1× in an hour (same number of ticks, wider range)', () => {
    const range = (speed: number) => {
      const ps = run(options({ session: ALWAYS_OPEN, speed, seed: 3 }), start + 3_600_000, 60_000)
        .filter((t) => t.quote.symbol === 'AAPL')
        .map((t) => Number(t.quote.last));
      return Math.log(Math.max(...ps) / Math.min(...ps));
    };
    expect(range(60)).toBeGreaterThan(range(1) * 2);
  });
});
