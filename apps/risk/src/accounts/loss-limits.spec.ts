import fc from 'fast-check';
import { Dec } from '@alphintra/money';
import { dailyLossBreach, dailyPnl, drawdownBreach, drawdownPct, standing, type Holding } from './loss-limits';

const flat = { quantity: '0', avgPrice: '0', realizedPnl: '0' };
const holding = (h: Partial<Holding>): Holding => ({ symbol: 'AAPL', quantity: '0', avgPrice: '0', realizedPnl: '0', start: flat, price: null, startPrice: null, ...h });

describe('the P&L of the UTC day', () => {
  it('counts a position opened today from its cost, at the last price', () => {
    const p = dailyPnl([holding({ quantity: '10', avgPrice: '100', price: '90' })]);
    expect([p.realized.toFixed(), p.unrealized.toFixed(), p.total.toFixed()]).toEqual(['0', '-100', '-100']);
  });

  it('counts a carried position from the last price before the day, and a sale today as realized against it', () => {
    const carried = { quantity: '10', avgPrice: '100', realizedPnl: '5' };
    expect(dailyPnl([holding({ ...carried, start: carried, price: '105', startPrice: '110' })]).total.toFixed()).toBe('-50');
    // Sold all at 105 today: +50 realized against the average, and the +100 it stood at this morning gone.
    const sold = dailyPnl([holding({ quantity: '0', avgPrice: '0', realizedPnl: '55', start: carried, price: '105', startPrice: '110' })]);
    expect([sold.realized.toFixed(), sold.unrealized.toFixed(), sold.total.toFixed()]).toEqual(['50', '-100', '-50']);
  });

  it('values a position without a price at its average, and a carried one without a price before the day from the last price', () => {
    expect(dailyPnl([holding({ quantity: '10', avgPrice: '100' })]).total.toFixed()).toBe('0');
    const carried = { quantity: '10', avgPrice: '100', realizedPnl: '0' };
    expect(dailyPnl([holding({ ...carried, start: carried, price: '80', startPrice: null })]).total.toFixed()).toBe('0');
  });

  it('property: equals the change of lifetime P&L since the day began, however the day traded', () => {
    const price = fc.integer({ min: 1, max: 100_000 }).map((n) => new Dec(n).div(100).toFixed());
    const qty = fc.integer({ min: 0, max: 10_000 }).map(String);
    const pos = fc.record({ quantity: qty, avgPrice: price, realizedPnl: fc.integer({ min: -1e6, max: 1e6 }).map(String) });
    fc.assert(
      fc.property(fc.array(fc.tuple(pos, pos, price, price), { maxLength: 5 }), (rows) => {
        const holdings = rows.map(([now, start, p, p0]) => holding({ ...now, start, price: p, startPrice: p0 }));
        const atStart = standing(holdings.map((h) => ({ ...h, ...h.start, price: h.startPrice })));
        return dailyPnl(holdings).total.eq(standing(holdings).pnl.minus(atStart.pnl));
      }),
      { numRuns: 500 },
    );
  });
});

describe('the loss limits', () => {
  it('breaches the daily loss limit when the loss reaches it, with the figures', () => {
    const pnl = dailyPnl([holding({ quantity: '10', avgPrice: '100', realizedPnl: '-200', price: '15' })]);
    expect(dailyLossBreach('2026-12-07', pnl, '1000')).toEqual({
      trigger: 'daily_loss_limit',
      reason: 'daily loss 1050 reached the daily loss limit of 1000 on 2026-12-07 (UTC): realized -200, unrealized -850',
    });
    expect(dailyLossBreach('2026-12-07', pnl, '1050')).not.toBeNull();
    expect(dailyLossBreach('2026-12-07', pnl, '1050.01')).toBeNull();
    expect(dailyLossBreach('2026-12-07', pnl, null)).toBeNull();
  });

  it('measures drawdown from the peak P&L over the money at work at the peak', () => {
    const peaks = { pnlPeak: new Dec(1000), capitalPeak: new Dec(10_000) };
    expect(drawdownPct(new Dec(-100), peaks).toFixed()).toBe('10');
    expect(drawdownPct(new Dec(2000), peaks).toFixed()).toBe('0');
    expect(drawdownPct(new Dec(0), { pnlPeak: new Dec(0), capitalPeak: new Dec(0) }).toFixed()).toBe('0');
    expect(drawdownBreach(new Dec(10), new Dec(-100), peaks, '10')).toEqual({
      trigger: 'max_drawdown',
      reason: 'drawdown 10% reached the max drawdown of 10%: P&L -100 against a peak of 1000 on 10000 at work',
    });
    expect(drawdownBreach(new Dec('9.9999'), new Dec(-100), peaks, '10')).toBeNull();
  });
});
