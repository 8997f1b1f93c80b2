import { Dec, parseDecimal } from '@alphintra/money';
import { wire } from '../common/decimal';
import type { EquityPointRow } from './equity.repository';

/**
 * A daily series with a value at every close: each close from the first point on carries the
 * latest point at or before it (an account that did not change writes no daily point).
 */
export function filledAtCloses(closes: readonly Date[], base: EquityPointRow | null, rows: readonly EquityPointRow[]): EquityPointRow[] {
  const known = base ? [base, ...rows] : [...rows];
  const out: EquityPointRow[] = [];
  let i = -1;
  for (const close of closes) {
    while (i + 1 < known.length && known[i + 1]!.at.getTime() <= close.getTime()) i++;
    if (i >= 0) out.push({ ...known[i]!, at: close });
  }
  return out;
}

/** The response's arrays: P&L against the base, cash flows (deposits net of withdrawals) taken out. */
export function withProfitLoss(base: EquityPointRow | null, points: readonly EquityPointRow[]) {
  const first = base ?? points[0];
  if (!first) return { baseValue: null, timestamps: [], equity: [], profitLoss: [], profitLossPct: [] };
  const baseEquity = parseDecimal(first.equity);
  const baseFlows = parseDecimal(first.net_deposits);
  const profitLoss: string[] = [];
  const profitLossPct: string[] = [];
  for (const p of points) {
    const flows = parseDecimal(p.net_deposits).minus(baseFlows);
    const pl = parseDecimal(p.equity).minus(baseEquity).minus(flows);
    const capital = baseEquity.plus(flows);
    profitLoss.push(wire(pl));
    profitLossPct.push(capital.gt(0) ? wire(pl.div(capital).times(100).toDecimalPlaces(4)) : wire(new Dec(0)));
  }
  return { baseValue: wire(baseEquity), timestamps: points.map((p) => new Date(p.at).toISOString()), equity: points.map((p) => wire(p.equity)), profitLoss, profitLossPct };
}
