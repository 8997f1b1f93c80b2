import { Dec } from '@alphintra/money';
import type { ActivityRow } from '../ledger/ledger.repository';
import { wire, wireOrNull } from '../common/decimal';

export interface StatementInput {
  month: string;
  openingCash: string;
  activities: ActivityRow[];
  /** Shares held at the end of the month, per symbol (from the last fill before it). */
  positions: { symbol: string; quantity: string }[];
}

const HEADER = ['record', 'at', 'type', 'symbol', 'side', 'quantity', 'price', 'amount', 'balance_after', 'order_id', 'execution_id'];
const cell = (v: string | null) => (v === null ? '' : /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * A month's statement as CSV, one table: the opening cash, every activity of the month in
 * order, the positions at the month's end and the closing cash. Opening + Σ amounts = closing.
 */
export function statementCsv(s: StatementInput): string {
  const closing = s.activities.reduce((c, a) => c.plus(a.amount), new Dec(s.openingCash));
  const rows: (string | null)[][] = [
    ['opening_cash', `${s.month}-01`, null, null, null, null, null, null, wire(s.openingCash), null, null],
    ...s.activities.map((a) => [
      'activity',
      new Date(a.at).toISOString(),
      a.type,
      a.symbol,
      a.side,
      wireOrNull(a.quantity),
      wireOrNull(a.price),
      wire(a.amount),
      wire(a.cash_after),
      a.order_id,
      a.execution_id,
    ]),
    ...s.positions.map((p) => ['position', null, null, p.symbol, null, wire(p.quantity), null, null, null, null, null]),
    ['closing_cash', null, null, null, null, null, null, null, wire(closing), null, null],
  ];
  return [HEADER, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
