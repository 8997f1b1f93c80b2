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

/** Sessions per year: daily returns are annualised by √252. */
export const TRADING_DAYS = 252;
const DAY_MS = 86_400_000;

const fmt = (x: number | null, scale = 8): string | null => (x === null || !Number.isFinite(x) ? null : formatDecimal(new Dec(x), scale));

/**
 * The metrics of an equity curve E₀ … Eₙ₋₁ (one point per session close, as reported: 8 places),
 * defined in docs/api-metrics.md. In short:
 * - Daily returns rₜ = Eₜ / Eₜ₋₁ − 1 for t = 1 … n − 1: between consecutive closes only, so the
 *   first close (before which nothing can fill) adds no made-up zero return.
 * - Volatility = sample stdev (n − 1) of rₜ · √252. Sharpe = mean(rₜ) / that stdev · √252, risk-free
 *   rate 0. Sortino = mean(rₜ) / √(Σ min(rₜ, 0)² / count) · √252 (downside deviation below 0 over
 *   every return). CAGR = (E_last / initial)^(365.25 / calendar days from first to last close) − 1.
 * - Total return, max drawdown (largest fall from a running peak, the initial capital included, as a
 *   fraction of that peak), win rate (closed trades with P&L > 0 / closed trades) and exposure
 *   (sessions with a position at the close / sessions) are exact decimals.
 * Statistics needing roots or powers are doubles rounded to 8 places; a ratio whose denominator is 0
 * is null.
 */
export function metricsOf(initial: Dec, curve: { date: string; equity: string }[], values: ArrayLike<number>, trades: { pnl: string }[], daysExposed: number): Metrics {
  const n = curve.length;
  const final = n ? new Dec(curve[n - 1]!.equity) : initial;
  const growth = final.div(initial);
  const totalReturn = growth.minus(1);

  // Doubles pick the worst (peak, trough) pair; the drawdown is then computed exactly from their text.
  let peak = initial.toNumber();
  let peakAt = -1;
  let worst = 0;
  let worstPair: [number, number] | null = null;
  const returns = new Float64Array(Math.max(0, n - 1));
  for (let t = 0; t < n; t++) {
    const x = values[t]!;
    if (t > 0) {
      returns[t - 1] = values[t - 1]! === 0 ? 0 : x / values[t - 1]! - 1;
    }
    if (x > peak) {
      peak = x;
      peakAt = t;
    } else if (peak > 0 && (peak - x) / peak > worst) {
      worst = (peak - x) / peak;
      worstPair = [peakAt, t];
    }
  }
  const at = (t: number) => (t < 0 ? initial : new Dec(curve[t]!.equity));
  const maxDd = worstPair ? at(worstPair[0]).minus(at(worstPair[1])).div(at(worstPair[0])) : new Dec(0);

  const m = returns.length;
  let sum = 0;
  for (const r of returns) sum += r;
  const mean = m > 0 ? sum / m : 0;
  let squares = 0;
  let downSquares = 0;
  for (const r of returns) {
    squares += (r - mean) ** 2;
    if (r < 0) downSquares += r * r;
  }
  const sd = m > 1 ? Math.sqrt(squares / (m - 1)) : 0;
  const downside = m > 0 ? Math.sqrt(downSquares / m) : 0;
  const annual = Math.sqrt(TRADING_DAYS);

  const days = n > 1 ? (Date.parse(curve[n - 1]!.date) - Date.parse(curve[0]!.date)) / DAY_MS : 0;
  const ratio = growth.toNumber();
  const cagr = days > 0 ? (ratio <= 0 ? -1 : ratio ** (365.25 / days) - 1) : null;

  const wins = trades.filter((t) => t.pnl[0] !== '-' && t.pnl !== '0').length; // canonical decimal text
  return {
    totalReturn: formatDecimal(totalReturn, 8),
    cagr: fmt(cagr),
    volatility: m > 1 ? fmt(sd * annual) : null,
    sharpe: sd > 0 ? fmt((mean / sd) * annual) : null,
    sortino: downside > 0 ? fmt((mean / downside) * annual) : null,
    maxDrawdown: formatDecimal(maxDd, 8),
    winRate: trades.length ? formatDecimal(new Dec(wins).div(trades.length), 8) : null,
    exposure: formatDecimal(n ? new Dec(daysExposed).div(n) : new Dec(0), 8),
    trades: trades.length,
    finalEquity: formatDecimal(final, 8),
  };
}
