import { createHash } from 'node:crypto';
import { Dec } from '@alphintra/money';
import { demoInstruments, demoSeries, mulberry32, sessionDates } from './demo-market';
import { parseSeedArgs, UsageError } from './seed-demo.command';

const checksum = (o: { instruments: number; years: number; seed: number; end: string }) => {
  const hash = createHash('sha256');
  const dates = sessionDates(o.end, o.years);
  for (const i of demoInstruments(o)) hash.update(JSON.stringify(demoSeries(i, dates, o.seed)));
  return hash.digest('hex');
};

describe('demo market data', () => {
  const small = { instruments: 20, years: 0.5, seed: 7, end: '2025-12-31' };

  it('is the same for the same seed, and different for another', () => {
    expect(checksum(small)).toBe(checksum({ ...small }));
    expect(checksum({ ...small, seed: 8 })).not.toBe(checksum(small));
  });

  it('draws the same numbers from mulberry32 for a seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('has business days only, ending on the end date', () => {
    const dates = sessionDates('2025-12-31', 1);
    expect(dates[dates.length - 1]).toBe('2025-12-31');
    expect(dates).toHaveLength(261);
    expect(dates.every((d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()))).toBe(true);
  });

  it('makes unique symbols and consistent bars in whole cents', () => {
    const instruments = demoInstruments({ instruments: 200, seed: 1 });
    expect(new Set(instruments.map((i) => i.symbol)).size).toBe(200);
    expect(new Set(instruments.map((i) => i.sector)).size).toBeGreaterThan(5);
    const dates = sessionDates('2025-12-31', 2);
    for (const i of instruments.slice(0, 20)) {
      const s = demoSeries(i, dates, 1);
      expect(s.bars.map((b) => b.date)).toEqual(dates);
      for (const b of s.bars) {
        for (const p of [b.open, b.high, b.low, b.close]) expect(p).toMatch(/^\d+\.\d{2}$/);
        const [o, h, l, c] = [b.open, b.high, b.low, b.close].map((p) => new Dec(p));
        expect(l!.gt(0) && l!.lte(Dec.min(o!, c!)) && h!.gte(Dec.max(o!, c!))).toBe(true);
      }
      const [prev, last] = s.bars.slice(-2);
      expect(s.lastPrice).toBe(last!.close);
      expect(new Dec(s.change1dPct!).minus(new Dec(last!.close).div(prev!.close).minus(1).times(100)).abs().lt(0.0001)).toBe(true);
    }
  });

  it('reads its command-line options, refusing bad ones', () => {
    expect(parseSeedArgs([])).toEqual({ instruments: 500, years: 10, seed: 42, end: '2025-12-31' });
    expect(parseSeedArgs(['--instruments', '12', '--years', '0.5', '--seed', '3'])).toMatchObject({ instruments: 12, years: 0.5, seed: 3 });
    for (const bad of [['--instruments', '0'], ['--years'], ['--instrument', '5'], ['--end', 'soon']]) expect(() => parseSeedArgs(bad)).toThrow(UsageError);
  });
});
