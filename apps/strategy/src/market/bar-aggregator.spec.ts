import { BarSeries, tradePiece } from './bar-aggregator';
import { LastPriceThrottle } from './last-price.throttle';

const t0 = Date.parse('2026-01-14T14:30:00Z');
const trade = (sec: number, price: string, size = '100') => tradePiece({ symbol: 'AAPL', price, size, at: t0 + sec * 1000 });
const iso = (ms: number) => new Date(ms).toISOString();

describe('bars from trades', () => {
  it('closes a 1Min bar when a trade of a later minute arrives, and 5Min bars from the 1Min bars as the clock passes', () => {
    const s = new BarSeries();
    expect([trade(1, '100'), trade(20, '101.5'), trade(40, '99.25', '300'), trade(59, '100.75')].flatMap((p) => s.trade(p))).toEqual([]);
    const first = s.trade(trade(61, '102'));
    expect(first).toEqual([{ symbol: 'AAPL', timeframe: '1Min', start: t0, open: '100', high: '101.5', low: '99.25', close: '100.75', volume: '600' }]);
    const closed = [...s.trade(trade(250, '98')), ...s.closeUntil(t0 + 300_000)];
    expect(closed.map((b) => [b.timeframe, iso(b.start), b.open, b.high, b.low, b.close, b.volume])).toEqual([
      ['1Min', '2026-01-14T14:31:00.000Z', '102', '102', '102', '102', '100'],
      ['1Min', '2026-01-14T14:34:00.000Z', '98', '98', '98', '98', '100'],
      ['5Min', '2026-01-14T14:30:00.000Z', '100', '102', '98', '98', '800'],
    ]);
    expect(s.closeUntil(t0 + 1_800_000).map((b) => [b.timeframe, iso(b.start), b.volume])).toEqual([
      ['15Min', '2026-01-14T14:30:00.000Z', '800'],
      ['1H', '2026-01-14T14:00:00.000Z', '800'],
    ]);
  });
});

describe('last price throttle', () => {
  it('sends a symbol at most once an interval and the latest price of an interval at its end', () => {
    const th = new LastPriceThrottle(1000);
    expect(th.offer('AAPL', '100', 0)).toEqual([{ symbol: 'AAPL', price: '100', at: 0 }]);
    expect(th.offer('AAPL', '101', 300)).toEqual([]);
    expect(th.offer('MSFT', '400', 400)).toEqual([{ symbol: 'MSFT', price: '400', at: 400 }]);
    expect(th.offer('AAPL', '102', 800)).toEqual([]);
    expect(th.due(999)).toEqual([]);
    expect(th.due(1000)).toEqual([{ symbol: 'AAPL', price: '102', at: 800 }]);
    expect(th.due(5000)).toEqual([]);
  });
});
