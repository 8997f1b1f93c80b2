import { Dec } from '@alphintra/money';
import { metricsOf } from './metrics';

const curve = (dates: string[], equities: string[]) => dates.map((date, i) => ({ date, equity: equities[i]! }));
const run = (equities: string[], opts: { dates?: string[]; trades?: { pnl: string }[]; exposed?: number; initial?: string } = {}) => {
  const dates = opts.dates ?? equities.map((_, i) => `2024-01-${String(i + 1).padStart(2, '0')}`);
  return metricsOf(new Dec(opts.initial ?? equities[0]!), curve(dates, equities), equities.map(Number), opts.trades ?? [], opts.exposed ?? 0);
};

describe('metricsOf', () => {
  // Closes 100 → 110 → 104.5 → 114.95: returns +10 %, −5 %, +10 %.
  const m = run(['100', '110', '104.5', '114.95']);
  const mean = 0.05;
  const sd = Math.sqrt((0.05 ** 2 + 0.1 ** 2 + 0.05 ** 2) / 2); // sample: n − 1 = 2
  const downside = Math.sqrt(0.05 ** 2 / 3); // below 0 only, over all three returns

  it('takes daily returns between consecutive closes only (no made-up return before the first close)', () => {
    expect(Number(m.volatility)).toBeCloseTo(sd * Math.sqrt(252), 7);
  });

  it('Sharpe: mean / sample stdev · √252, risk-free rate 0', () => {
    expect(Number(m.sharpe)).toBeCloseTo((mean / sd) * Math.sqrt(252), 6);
  });

  it('Sortino: mean / downside deviation · √252', () => {
    expect(Number(m.sortino)).toBeCloseTo((mean / downside) * Math.sqrt(252), 6);
  });

  it('total return, max drawdown and final equity are exact decimals', () => {
    expect(m).toMatchObject({ totalReturn: '0.1495', maxDrawdown: '0.05', finalEquity: '114.95' });
  });

  it('max drawdown counts the initial capital as the first peak', () => {
    expect(run(['90', '95'], { initial: '100' }).maxDrawdown).toBe('0.1');
    expect(run(['100', '120', '90', '130', '110']).maxDrawdown).toBe('0.25'); // 120 → 90, deeper than 130 → 110
  });

  it('CAGR compounds over calendar days between the first and last close', () => {
    const c = run(['100', '121'], { dates: ['2020-01-01', '2022-01-01'] }); // 731 days
    expect(Number(c.cagr)).toBeCloseTo(1.21 ** (365.25 / 731) - 1, 8);
    expect(run(['100', '0'], { dates: ['2020-01-01', '2021-01-01'] }).cagr).toBe('-1');
  });

  it('win rate counts closed trades with P&L above 0; exposure is sessions with a position over sessions', () => {
    const w = run(['100', '100', '100'], { trades: [{ pnl: '5' }, { pnl: '0' }, { pnl: '-1' }], exposed: 2 });
    expect(w).toMatchObject({ winRate: '0.33333333', exposure: '0.66666667', trades: 3 });
  });

  it('answers null for a ratio whose denominator is 0', () => {
    const flat = run(['100', '100', '100']);
    expect(flat).toMatchObject({ volatility: '0', sharpe: null, sortino: null, winRate: null });
    const up = run(['100', '101', '102.01']); // +1 %, +1 %: no variation, no losing day
    expect(up).toMatchObject({ volatility: '0', sharpe: null, sortino: null });
    expect(run(['100'])).toMatchObject({ volatility: null, sharpe: null, sortino: null, cagr: null });
  });
});
