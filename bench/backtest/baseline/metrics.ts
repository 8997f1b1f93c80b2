import { Dec, formatDecimal } from '@alphintra/money';

export interface Metrics {
  totalReturn: string;
  cagr: string | null;
  volatility: string | null;
  sharpe: string | null;
  sortino: string | null;
  maxDrawdown: string;
  winRate: string | null;
  exposure: string;
  trades: number;
  finalEquity: string;
}

const TRADING_DAYS = 252;
const DAY_MS = 86_400_000;

const fmt = (x: number | null, scale = 8): string | null => (x === null || !Number.isFinite(x) ? null : formatDecimal(new Dec(x), scale));

/**
 * Total return, max drawdown, win rate and exposure come from the Dec equity curve exactly.
 * CAGR, volatility, Sharpe and Sortino are statistics of daily returns (square roots, powers):
 * they are computed in doubles from those Dec values and rounded to 8 places.
 * Volatility: sample stdev of daily returns · √252. Sharpe (risk-free 0): mean / stdev · √252.
 * Sortino: mean / downside deviation · √252, downside deviation = √(Σ min(r, 0)² / n).
 * CAGR over calendar time: (final / initial)^(365.25 / days) − 1. Max drawdown: the largest
 * fall from a running peak as a fraction of that peak (a positive number).
 * A ratio whose denominator is zero (no variation, no losing day, no trades) is null.
 */
export function metricsOf(initial: Dec, dates: string[], equities: Dec[], trades: { pnl: string }[], daysExposed: number): Metrics {
  const final = equities.length ? equities[equities.length - 1]! : initial;
  const totalReturn = final.div(initial).minus(1);

  // Doubles pick the worst (peak, trough) pair (Dec division per day is the costliest step of a
  // backtest); the drawdown itself is then computed exactly from those two Dec values.
  const returns: number[] = [];
  let prevDec = initial;
  let prev = initial.toNumber();
  let peak = initial;
  let peakN = prev;
  let worst: [Dec, Dec] | null = null;
  let worstN = 0;
  for (const e of equities) {
    const x = e === prevDec ? prev : e.toNumber();
    returns.push(prev === 0 ? 0 : x / prev - 1);
    prev = x;
    prevDec = e;
    if (x > peakN) {
      peak = e;
      peakN = x;
    } else if (peakN > 0 && (peakN - x) / peakN > worstN) {
      worstN = (peakN - x) / peakN;
      worst = [peak, e];
    }
  }
  const maxDd = worst ? worst[0].minus(worst[1]).div(worst[0]) : new Dec(0);
  const n = returns.length;
  const mean = n ? returns.reduce((a, b) => a + b, 0) / n : 0;
  const variance = n > 1 ? returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1) : 0;
  const sd = Math.sqrt(variance);
  const downside = n ? Math.sqrt(returns.reduce((a, r) => a + Math.min(r, 0) ** 2, 0) / n) : 0;
  const annual = Math.sqrt(TRADING_DAYS);

  const days = dates.length > 1 ? (Date.parse(dates[dates.length - 1]!) - Date.parse(dates[0]!)) / DAY_MS : 0;
  const ratio = final.div(initial).toNumber();
  const cagr = days > 0 ? (ratio <= 0 ? -1 : ratio ** (365.25 / days) - 1) : null;

  const wins = trades.filter((t) => new Dec(t.pnl).gt(0)).length;
  return {
    totalReturn: formatDecimal(totalReturn, 8),
    cagr: fmt(cagr),
    volatility: n > 1 ? fmt(sd * annual) : null,
    sharpe: sd > 0 ? fmt((mean / sd) * annual) : null,
    sortino: downside > 0 ? fmt((mean / downside) * annual) : null,
    maxDrawdown: formatDecimal(maxDd, 8),
    winRate: trades.length ? formatDecimal(new Dec(wins).div(trades.length), 8) : null,
    exposure: formatDecimal(equities.length ? new Dec(daysExposed).div(equities.length) : new Dec(0), 8),
    trades: trades.length,
    finalEquity: formatDecimal(final, 8),
  };
}
