import { Dec, formatDecimal } from '@alphintra/money';
import { bollinger, ema, macd, rsi, sma } from './indicators';
import { resolvedParams, type Operand, type Rule, type StrategySpec } from '@alphintra/backtesting';
import { metricsOf, type Metrics } from './metrics';

/**
 * The backtester core: no I/O, deterministic.
 *
 * - Signals are evaluated on bar t's close; the order they cause fills at bar t+1's open
 *   (a signal on a symbol's last bar is dropped). A buy pays open · (1 + slippage), a sell
 *   receives open · (1 − slippage); commission is `commissionBps` of the fill's notional.
 * - Long-only, at most one position per symbol; while flat the entry rule is evaluated,
 *   while long the exit rule. On a day, sells fill before buys, so freed cash can be used.
 * - Sizing `fixed_quantity` buys that quantity when cash covers it and commission, else skips;
 *   `percent_of_equity` buys the whole shares that `percent` of the previous close's equity buys
 *   (commission included), capped by cash.
 * - Money (cash, equity, fills, commission, P&L) is `Dec`; indicators and rule inputs are doubles
 *   (see indicators.ts for why). Positions still open at the end are marked to market in the
 *   equity curve and are not listed as trades.
 */

export interface SymbolBars {
  symbol: string;
  /** ISO dates (YYYY-MM-DD), ascending. */
  dates: string[];
  open: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
}

export interface BacktestParams {
  initialCapital: string;
  commissionBps: string;
  slippageBps: string;
}

export interface Trade {
  symbol: string;
  entryDate: string;
  entryPrice: string;
  exitDate: string;
  exitPrice: string;
  quantity: string;
  pnl: string;
}

export interface EquityPoint {
  date: string;
  equity: string;
}

export interface BacktestResult {
  trades: Trade[];
  equityCurve: EquityPoint[];
  metrics: Metrics;
  /** Bars evaluated (all symbols). */
  bars: number;
}

type Predicate = (t: number) => boolean;

/** The series an operand reads on one symbol; a constant becomes a filled series so rules index uniformly. */
function operandSeries(o: Operand, bars: SymbolBars, indicators: Map<string, Record<string, Float64Array>>): ArrayLike<number> {
  if ('value' in o) return new Float64Array(bars.close.length).fill(o.value);
  if ('price' in o) return bars[o.price];
  const outputs = indicators.get(o.indicator);
  if (!outputs) throw new Error(`unknown indicator ${o.indicator}`);
  const s = outputs[o.output ?? 'value'];
  if (!s) throw new Error(`indicator ${o.indicator} has no output ${o.output}`);
  return s;
}

export function compileRule(r: Rule, bars: SymbolBars, indicators: Map<string, Record<string, Float64Array>>): Predicate {
  if ('all' in r) {
    const parts = r.all.map((c) => compileRule(c, bars, indicators));
    return (t) => parts.every((p) => p(t));
  }
  if ('any' in r) {
    const parts = r.any.map((c) => compileRule(c, bars, indicators));
    return (t) => parts.some((p) => p(t));
  }
  if ('compare' in r) {
    const L = operandSeries(r.compare.left, bars, indicators);
    const R = operandSeries(r.compare.right, bars, indicators);
    switch (r.compare.op) {
      case '>':
        return (t) => L[t]! > R[t]!;
      case '<':
        return (t) => L[t]! < R[t]!;
      case '>=':
        return (t) => L[t]! >= R[t]!;
      case '<=':
        return (t) => L[t]! <= R[t]!;
    }
  }
  const L = operandSeries(r.cross.left, bars, indicators);
  const R = operandSeries(r.cross.right, bars, indicators);
  return r.cross.direction === 'above' ? (t) => t > 0 && L[t - 1]! <= R[t - 1]! && L[t]! > R[t]! : (t) => t > 0 && L[t - 1]! >= R[t - 1]! && L[t]! < R[t]!;
}

/** Every indicator of the spec on one symbol's closes, by id and output (`value` for single-output kinds). */
export function computeIndicators(spec: StrategySpec, bars: SymbolBars): Map<string, Record<string, Float64Array>> {
  const out = new Map<string, Record<string, Float64Array>>();
  for (const ind of spec.indicators) {
    const p = resolvedParams(ind);
    switch (ind.kind) {
      case 'sma':
        out.set(ind.id, { value: sma(bars.close, p.period!) });
        break;
      case 'ema':
        out.set(ind.id, { value: ema(bars.close, p.period!) });
        break;
      case 'rsi':
        out.set(ind.id, { value: rsi(bars.close, p.period!) });
        break;
      case 'macd': {
        const m = macd(bars.close, p.fast, p.slow, p.signal);
        out.set(ind.id, { macd: m.macd, signal: m.signal, histogram: m.histogram });
        break;
      }
      case 'bollinger': {
        const b = bollinger(bars.close, p.period, p.k);
        out.set(ind.id, { upper: b.upper, middle: b.middle, lower: b.lower });
        break;
      }
    }
  }
  return out;
}

interface SymbolState {
  bars: SymbolBars;
  entry: Predicate;
  exit: Predicate;
  ptr: number;
  pending: 'buy' | 'sell' | null;
  qty: Dec | null;
  entryDate: string;
  entryPrice: Dec;
  entryCost: Dec;
  lastClose: Dec | null;
}

const ONE = new Dec(1);
const BPS = new Dec(10_000);

export function runBacktest(spec: StrategySpec, series: SymbolBars[], params: BacktestParams): BacktestResult {
  const initial = new Dec(params.initialCapital);
  const commission = new Dec(params.commissionBps).div(BPS);
  const buyFactor = ONE.plus(new Dec(params.slippageBps).div(BPS));
  const sellFactor = ONE.minus(new Dec(params.slippageBps).div(BPS));
  const fixedQty = spec.sizing.kind === 'fixed_quantity' ? new Dec(spec.sizing.quantity) : null;
  const percent = spec.sizing.kind === 'percent_of_equity' ? new Dec(spec.sizing.percent).div(100) : null;

  const states: SymbolState[] = series.map((bars) => {
    const ind = computeIndicators(spec, bars);
    return {
      bars,
      entry: compileRule(spec.entry, bars, ind),
      exit: compileRule(spec.exit, bars, ind),
      ptr: 0,
      pending: null,
      qty: null,
      entryDate: '',
      entryPrice: ONE,
      entryCost: ONE,
      lastClose: null,
    };
  });
  const dates = series.length === 1 ? series[0]!.dates : [...new Set(series.flatMap((s) => s.dates))].sort();

  let cash = initial;
  let prevEquity = initial;
  let bars = 0;
  let daysExposed = 0;
  const trades: Trade[] = [];
  const equityCurve: EquityPoint[] = [];
  const equities: Dec[] = [];

  for (const date of dates) {
    const today: SymbolState[] = [];
    for (const s of states) if (s.bars.dates[s.ptr] === date) today.push(s);
    // Fills at the open: sells first, then buys.
    for (const s of today) {
      if (s.pending !== 'sell' || !s.qty) continue;
      const price = new Dec(s.bars.open[s.ptr]!).mul(sellFactor);
      const notional = price.mul(s.qty);
      const proceeds = notional.minus(notional.mul(commission));
      cash = cash.plus(proceeds);
      trades.push({
        symbol: s.bars.symbol,
        entryDate: s.entryDate,
        entryPrice: formatDecimal(s.entryPrice, 8),
        exitDate: date,
        exitPrice: formatDecimal(price, 8),
        quantity: formatDecimal(s.qty, 8),
        pnl: formatDecimal(proceeds.minus(s.entryCost), 8),
      });
      s.qty = null;
      s.pending = null;
    }
    for (const s of today) {
      if (s.pending !== 'buy') continue;
      s.pending = null;
      const price = new Dec(s.bars.open[s.ptr]!).mul(buyFactor);
      const unitCost = price.mul(ONE.plus(commission));
      let qty: Dec;
      if (fixedQty) {
        qty = fixedQty;
        if (unitCost.mul(qty).gt(cash)) continue;
      } else {
        qty = Dec.min(prevEquity.mul(percent!), cash).div(unitCost).floor();
        if (qty.lte(0)) continue;
      }
      const notional = price.mul(qty);
      const cost = notional.plus(notional.mul(commission));
      cash = cash.minus(cost);
      s.qty = qty;
      s.entryDate = date;
      s.entryPrice = price;
      s.entryCost = cost;
    }
    // Signals at the close.
    for (const s of today) {
      const t = s.ptr;
      const hasNext = t + 1 < s.bars.dates.length;
      if (s.qty) {
        if (hasNext && s.exit(t)) s.pending = 'sell';
      } else if (hasNext && s.entry(t)) s.pending = 'buy';
      s.lastClose = null; // re-read lazily below, only while a position is held
      s.ptr = t + 1;
      bars++;
    }
    let equity = cash;
    let exposed = false;
    for (const s of states) {
      if (!s.qty) continue;
      exposed = true;
      if (s.lastClose === null) s.lastClose = new Dec(s.bars.close[s.ptr - 1]!);
      equity = equity.plus(s.qty.mul(s.lastClose));
    }
    if (exposed) daysExposed++;
    // Flat and nothing filled: the same equity as yesterday, so the same string (formatting is the costly part).
    const text = equity === prevEquity && equityCurve.length ? equityCurve[equityCurve.length - 1]!.equity : formatDecimal(equity, 8);
    equities.push(equity);
    equityCurve.push({ date, equity: text });
    prevEquity = equity;
  }
  return { trades, equityCurve, metrics: metricsOf(initial, dates, equities, trades, daysExposed), bars };
}
