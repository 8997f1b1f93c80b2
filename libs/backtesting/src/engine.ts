import { Dec, formatDecimal } from '@alphintra/money';
import { bollinger, ema, INEXACT_TOLERANCE, largest, macd, rsi, smaLine } from './indicators';
import { comparison, constantLine, decimalLine, decimalUnits, type DecimalUnits, type Line } from './line';
import { resolvedParams, type Operand, type Rule, type StrategySpec } from './spec';
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
 * - Money (cash, fills, commission, P&L, sizing) is `Dec`; rules compare `Line`s, tie-safe (see
 *   line.ts, indicators.ts). Positions still open at the end are marked to market in the equity
 *   curve and are not listed as trades.
 * - The equity curve is cash + Σ quantity · close rounded to 8 places. Daily, while positions are
 *   whole shares of prices with at most 6 places and the sum stays below 2^53 · 10^-8 (≈ $90 million),
 *   it is summed exactly in integers of 10^-8
 *   (rounding the cash once per fill: adding a multiple of 10^-6 does not change how a value rounds
 *   to 8 places, half-even included); otherwise in `Dec`. Both give the same text.
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
type Indicators = Map<string, Record<string, Line>>;

/** The line an operand reads on one symbol. */
function operandLine(o: Operand, bars: SymbolBars, indicators: Indicators): Line {
  if ('value' in o) return constantLine(o.value, bars.close.length);
  if ('price' in o) return decimalLine(bars[o.price]);
  const outputs = indicators.get(o.indicator);
  if (!outputs) throw new Error(`unknown indicator ${o.indicator}`);
  const s = outputs[o.output ?? 'value'];
  if (!s) throw new Error(`indicator ${o.indicator} has no output ${o.output}`);
  return s;
}

export function compileRule(r: Rule, bars: SymbolBars, indicators: Indicators): Predicate {
  if ('all' in r) {
    const parts = r.all.map((c) => compileRule(c, bars, indicators));
    return parts.length === 1 ? parts[0]! : (t) => parts.every((p) => p(t));
  }
  if ('any' in r) {
    const parts = r.any.map((c) => compileRule(c, bars, indicators));
    return parts.length === 1 ? parts[0]! : (t) => parts.some((p) => p(t));
  }
  if ('compare' in r) return comparison(operandLine(r.compare.left, bars, indicators), r.compare.op, operandLine(r.compare.right, bars, indicators));
  const L = operandLine(r.cross.left, bars, indicators);
  const R = operandLine(r.cross.right, bars, indicators);
  // Above: L ≤ R on the previous bar and L > R on this one (below: ≥ then <), each tie-safe.
  const [before, now] = r.cross.direction === 'above' ? [comparison(L, '<=', R), comparison(L, '>', R)] : [comparison(L, '>=', R), comparison(L, '<', R)];
  return (t) => t > 0 && now(t) && before(t - 1);
}

/** Every indicator of the spec on one symbol's closes, by id and output (`value` for single-output kinds). */
export function computeIndicators(spec: StrategySpec, bars: SymbolBars, closeUnits: DecimalUnits | null = decimalUnits(bars.close)): Indicators {
  const out: Indicators = new Map();
  let priceTolerance = -1;
  const inexact = (values: Float64Array): Line => {
    if (priceTolerance < 0) priceTolerance = INEXACT_TOLERANCE * largest(bars.close);
    return { values, exact: null, tolerance: priceTolerance };
  };
  for (const ind of spec.indicators) {
    const p = resolvedParams(ind);
    switch (ind.kind) {
      case 'sma':
        out.set(ind.id, { value: smaLine(bars.close, p.period!, closeUnits) });
        break;
      case 'ema':
        out.set(ind.id, { value: inexact(ema(bars.close, p.period!)) });
        break;
      case 'rsi':
        out.set(ind.id, { value: { values: rsi(bars.close, p.period!, closeUnits), exact: null, tolerance: INEXACT_TOLERANCE * 100 } });
        break;
      case 'macd': {
        const m = macd(bars.close, p.fast, p.slow, p.signal);
        out.set(ind.id, { macd: inexact(m.macd), signal: inexact(m.signal), histogram: inexact(m.histogram) });
        break;
      }
      case 'bollinger': {
        const b = bollinger(bars.close, p.period, p.k, closeUnits);
        out.set(ind.id, { upper: inexact(b.upper), middle: b.middleLine, lower: inexact(b.lower) });
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
  /** Closes as decimal units and the factor to 10^-8 units, when every close is held exactly that way. */
  closeUnits: Float64Array | null;
  to8: number;
  maxClose8: number;
  /** Whole shares · the factor to 10^-8 units, while quantity · any close is an exact integer of 10^-8; else 0. */
  qtyN: number;
}

const ONE = new Dec(1);
const BPS = new Dec(10_000);
const E8 = 100_000_000;

const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000'];

/** An integer of 10^-8 as canonical decimal text (as formatDecimal writes it: no trailing zeros). */
function format8(n: number): string {
  const neg = n < 0;
  const a = neg ? -n : n;
  let int = Math.floor(a / E8);
  let frac = a - int * E8;
  if (frac < 0) {
    int -= 1;
    frac += E8;
  } else if (frac >= E8) {
    int += 1;
    frac -= E8;
  }
  let text = neg ? '-' + int : '' + int;
  if (frac !== 0) {
    let f = frac | 0; // < 10^8: small-integer arithmetic from here
    let places = 8;
    while (f % 10 === 0) {
      f = (f / 10) | 0;
      places--;
    }
    const digits = '' + f;
    text = text + '.' + ZEROS[places - digits.length] + digits;
  }
  return text;
}

/** ⌊x / y⌋ for positive x, y: a double estimate checked and corrected exactly (a division in Dec costs far more). */
function floorDiv(x: Dec, y: Dec): Dec {
  const estimate = Math.floor(x.toNumber() / y.toNumber());
  if (!(Math.abs(estimate) < 2 ** 50)) return x.div(y).floor();
  let q = new Dec(estimate);
  while (q.mul(y).gt(x)) q = q.minus(1);
  while (q.plus(1).mul(y).lte(x)) q = q.plus(1);
  return q;
}

/** Cash rounded half-even to 8 places, as an exact integer of 10^-8, or NaN when too large. */
function cashIn8(cash: Dec): number {
  const n = Number(cash.toFixed(8, Dec.ROUND_HALF_EVEN).replace('.', '')); // "-12.34500000" → -1234500000
  return Number.isSafeInteger(n) ? n : NaN;
}

export function runBacktest(spec: StrategySpec, series: SymbolBars[], params: BacktestParams): BacktestResult {
  const initial = new Dec(params.initialCapital);
  const commission = new Dec(params.commissionBps).div(BPS);
  const buyFactor = ONE.plus(new Dec(params.slippageBps).div(BPS));
  const sellFactor = ONE.minus(new Dec(params.slippageBps).div(BPS));
  const withCommission = ONE.plus(commission);
  const withoutCommission = ONE.minus(commission);
  const fixedQty = spec.sizing.kind === 'fixed_quantity' ? new Dec(spec.sizing.quantity) : null;
  const percent = spec.sizing.kind === 'percent_of_equity' ? new Dec(spec.sizing.percent).div(100) : null;

  const states: SymbolState[] = series.map((bars) => {
    const closeUnits = decimalUnits(bars.close);
    const ind = computeIndicators(spec, bars, closeUnits);
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
      closeUnits: closeUnits && closeUnits.units,
      to8: closeUnits ? E8 / closeUnits.scale : 0,
      maxClose8: closeUnits ? closeUnits.maxUnits * (E8 / closeUnits.scale) : Infinity,
      qtyN: 0,
    };
  });
  const dates = series.length === 1 ? series[0]!.dates : [...new Set(series.flatMap((s) => s.dates))].sort();

  let cash = initial;
  let cash8 = cashIn8(cash);
  let bars = 0;
  let daysExposed = 0;
  const held: SymbolState[] = [];
  const trades: Trade[] = [];
  const equityCurve: EquityPoint[] = [];
  const equityValues = new Float64Array(dates.length);
  const today: SymbolState[] = new Array(states.length);
  let prevText = '';
  let prev8 = NaN;

  /** Cash plus every position at its latest close, exactly (sizing reads it; the curve rounds it). */
  const equityAtClose = (): Dec => {
    let e = cash;
    for (const s of held) e = e.plus(s.qty!.mul(s.bars.close[s.ptr - 1]!));
    return e;
  };

  for (let d = 0; d < dates.length; d++) {
    const date = dates[d]!;
    let count = 0;
    let pending = false;
    let buying = false;
    for (let i = 0; i < states.length; i++) {
      const s = states[i]!;
      if (s.bars.dates[s.ptr] !== date) continue;
      today[count++] = s;
      if (s.pending) pending = true;
      if (s.pending === 'buy') buying = true;
    }
    if (pending) {
      // Fills at the open: sells first, then buys, sized on the previous close's equity.
      const prevEquity = buying && percent ? equityAtClose() : initial;
      for (let i = 0; i < count; i++) {
        const s = today[i]!;
        if (s.pending !== 'sell' || !s.qty) continue;
        const price = new Dec(s.bars.open[s.ptr]!).mul(sellFactor);
        const notional = price.mul(s.qty);
        const proceeds = notional.mul(withoutCommission);
        cash = cash.plus(proceeds);
        trades.push({
          symbol: s.bars.symbol,
          entryDate: s.entryDate,
          entryPrice: formatDecimal(s.entryPrice, 8),
          exitDate: date,
          exitPrice: formatDecimal(price, 8),
          quantity: s.qtyN ? String(s.qtyN / s.to8) : formatDecimal(s.qty, 8),
          pnl: formatDecimal(proceeds.minus(s.entryCost), 8),
        });
        s.qty = null;
        s.qtyN = 0;
        s.pending = null;
        held.splice(held.indexOf(s), 1);
        cash8 = cashIn8(cash);
      }
      for (let i = 0; i < count; i++) {
        const s = today[i]!;
        if (s.pending !== 'buy') continue;
        s.pending = null;
        const price = new Dec(s.bars.open[s.ptr]!).mul(buyFactor);
        const unitCost = price.mul(withCommission);
        let qty: Dec;
        if (fixedQty) {
          qty = fixedQty;
          if (unitCost.mul(qty).gt(cash)) continue;
        } else {
          qty = floorDiv(Dec.min(prevEquity.mul(percent!), cash), unitCost);
          if (qty.lte(0)) continue;
        }
        const notional = price.mul(qty);
        const cost = notional.mul(withCommission);
        cash = cash.minus(cost);
        cash8 = cashIn8(cash);
        s.qty = qty;
        const n = qty.toNumber();
        s.qtyN = s.closeUnits && Number.isInteger(n) && n * s.maxClose8 <= Number.MAX_SAFE_INTEGER ? n * s.to8 : 0;
        s.entryDate = date;
        s.entryPrice = price;
        s.entryCost = cost;
        held.push(s);
      }
    }
    // Signals at the close.
    for (let i = 0; i < count; i++) {
      const s = today[i]!;
      const t = s.ptr;
      const hasNext = t + 1 < s.bars.dates.length;
      if (s.qty) {
        if (hasNext && s.exit(t)) s.pending = 'sell';
      } else if (hasNext && s.entry(t)) s.pending = 'buy';
      s.ptr = t + 1;
      bars++;
    }
    // Equity at the close, in integers of 10^-8 while every term is exact, else in Dec.
    let e8 = cash8;
    if (held.length) {
      daysExposed++;
      for (let i = 0; i < held.length; i++) {
        const s = held[i]!;
        e8 = s.qtyN ? e8 + s.qtyN * s.closeUnits![s.ptr - 1]! : NaN;
        if (!(Math.abs(e8) <= Number.MAX_SAFE_INTEGER)) break;
      }
    }
    let text: string;
    if (e8 === prev8) text = prevText;
    else if (Math.abs(e8) <= Number.MAX_SAFE_INTEGER) text = format8(e8);
    else text = formatDecimal(equityAtClose(), 8);
    equityValues[d] = e8 === e8 && Math.abs(e8) <= Number.MAX_SAFE_INTEGER ? e8 / E8 : Number(text);
    equityCurve.push({ date, equity: text });
    prevText = text;
    prev8 = e8;
  }
  return { trades, equityCurve, metrics: metricsOf(initial, equityCurve, equityValues, trades, daysExposed), bars };
}
