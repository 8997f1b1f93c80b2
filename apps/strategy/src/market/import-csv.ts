import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Dec } from '@alphintra/money';
import { ValidationError, type FieldError } from '@alphintra/platform-http';
import { calendarDate, price, volume } from '../bars/bar-rows';

export type ImportTimeframe = '1D' | '1Min';

/** One validated bar of an import: `time` is a date (1D) or epoch ms of the minute's start (1Min). */
export interface ImportBar {
  line: number;
  symbol: string;
  time: string | number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

interface Layout {
  timeframe: ImportTimeframe;
  /** The columns used, in our names, in file order; other columns (adj close, vwap, trade_count) are ignored. */
  columns: string[];
  at: Partial<Record<Column, number>>;
  ignored: string[];
}

type Column = 'date' | 'timestamp' | 'symbol' | 'open' | 'high' | 'low' | 'close' | 'volume';

const ALIASES: Record<string, Column> = {
  date: 'date',
  timestamp: 'timestamp',
  time: 'timestamp',
  datetime: 'timestamp',
  t: 'timestamp',
  symbol: 'symbol',
  ticker: 'symbol',
  open: 'open',
  o: 'open',
  high: 'high',
  h: 'high',
  low: 'low',
  l: 'low',
  close: 'close',
  c: 'close',
  volume: 'volume',
  v: 'volume',
};
const PRICES = ['open', 'high', 'low', 'close'] as const;
const SYMBOL = /^[A-Z][A-Z0-9.-]{0,14}$/;
const ISO_WITH_ZONE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})$/i;
const MINUTE = 60_000;

const cells = (line: string) => line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1').trim());

/**
 * Which of the common layouts a header is: `date,open,high,low,close,volume` (daily bars) or one with
 * a `timestamp` (1-minute bars), either with a `symbol` column or not, columns in any order and
 * case. Refused (400) when a needed column is missing or named twice.
 */
export function readLayout(header: string): Layout {
  const names = cells(header.replace(/^\uFEFF/, '')).map((h) => h.toLowerCase().replace(/[\s_]+/g, ''));
  const at: Partial<Record<Column, number>> = {};
  const ignored: string[] = [];
  const problems: FieldError[] = [];
  names.forEach((n, i) => {
    const c = ALIASES[n];
    if (!c) return void ignored.push(n);
    if (at[c] !== undefined) problems.push({ path: 'line 1', message: `names ${c} twice` });
    at[c] = i;
  });
  if ((at.date === undefined) === (at.timestamp === undefined)) problems.push({ path: 'line 1', message: 'needs exactly one of the columns date (daily bars) or timestamp (1-minute bars)' });
  for (const c of [...PRICES, 'volume'] as const) if (at[c] === undefined) problems.push({ path: 'line 1', message: `has no ${c} column` });
  if (problems.length) throw new ValidationError(problems, 'The file is not in a layout the import reads.');
  const columns = names.filter((n) => ALIASES[n]).map((n) => ALIASES[n]!);
  return { timeframe: at.date !== undefined ? '1D' : '1Min', columns, at, ignored };
}

/** Epoch ms of an ISO time with a zone (`2024-01-02T14:30:00Z`, `2024-01-02 09:30-05:00`) or of epoch seconds or milliseconds. */
export function parseTimestamp(v: string): number | undefined {
  if (/^\d{10}$/.test(v)) return Number(v) * 1000;
  if (/^\d{13}$/.test(v)) return Number(v);
  const m = ISO_WITH_ZONE.exec(v);
  if (!m) return undefined;
  const zone = m[3]!.toUpperCase() === 'Z' ? 'Z' : m[3]!.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(`${m[1]}T${m[2]!.replace(/(\.\d{3})\d+$/, '$1')}${zone}`);
  return Number.isNaN(t) ? undefined : t;
}

export interface ImportRules {
  /** Used for every row when the file has no symbol column. */
  symbol?: string;
  now: number;
  /** 1-minute bars before this are past retention and refused. */
  oldestMinute: number;
}

export interface ParsedImport {
  timeframe: ImportTimeframe;
  layout: string;
  ignoredColumns: string[];
  bars: ImportBar[];
  /** Every problem, in file order. */
  errors: FieldError[];
}

/**
 * Reads and checks a whole file, every row, so it is fixed in one round; nothing is stored unless
 * there are no errors. Yields to the event loop every few thousand rows: a large file does not
 * stall the other requests.
 */
export async function parseImport(text: string, rules: ImportRules): Promise<ParsedImport> {
  const lines = text.split(/\r?\n/);
  const layout = readLayout(lines[0] ?? '');
  if (layout.at.symbol !== undefined && rules.symbol) throw new ValidationError([{ path: 'symbol', message: 'the file has a symbol column; leave the symbol parameter out' }]);
  if (layout.at.symbol === undefined && !rules.symbol) throw new ValidationError([{ path: 'symbol', message: 'the file has no symbol column; name the symbol as a parameter' }]);
  const latestDate = new Date(rules.now + 86_400_000).toISOString().slice(0, 10);
  const bars: ImportBar[] = [];
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    if (i % 5000 === 0) await yieldToLoop();
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const at = `line ${i + 1}`;
    const row = cells(line);
    if (row.length !== layout.columns.length + layout.ignored.length) {
      errors.push({ path: at, message: `expected ${layout.columns.length + layout.ignored.length} fields, got ${row.length}` });
      continue;
    }
    const get = (c: Column) => row[layout.at[c]!]!;
    const rowErrors: FieldError[] = [];
    const fail = (field: string, message: string) => rowErrors.push({ path: `${at}.${field}`, message });
    const symbol = layout.at.symbol !== undefined ? get('symbol').toUpperCase() : rules.symbol!;
    if (!SYMBOL.test(symbol)) fail('symbol', 'must be a ticker such as "AAPL"');
    let time: string | number = '';
    if (layout.timeframe === '1D') {
      const e = calendarDate(get('date'), latestDate);
      if (e) fail('date', e);
      time = get('date');
    } else {
      const t = parseTimestamp(get('timestamp'));
      if (t === undefined) fail('timestamp', 'must be an ISO time with its zone (2024-01-02T14:30:00Z) or epoch seconds or milliseconds');
      else if (t % MINUTE !== 0) fail('timestamp', 'must be the start of a minute');
      else if (t + MINUTE > rules.now) fail('timestamp', 'is a minute that has not ended');
      else if (t < rules.oldestMinute) fail('timestamp', `is before ${new Date(rules.oldestMinute).toISOString()}, past the retention of 1-minute bars`);
      time = t ?? '';
    }
    for (const f of PRICES) {
      const e = price(get(f));
      if (e) fail(f, e);
    }
    const volumeError = volume(get('volume'));
    if (volumeError) fail('volume', volumeError);
    if (!rowErrors.length) {
      const [o, h, l, c] = PRICES.map((f) => new Dec(get(f)));
      if (h!.lt(Dec.max(o!, c!, l!))) fail('high', 'must be at least open, low and close');
      if (l!.gt(Dec.min(o!, c!))) fail('low', 'must be at most open and close');
      const key = `${symbol} ${time}`;
      const earlier = seen.get(key);
      if (earlier) fail(layout.timeframe === '1D' ? 'date' : 'timestamp', `repeats the bar of ${symbol} on line ${earlier}`);
      seen.set(key, i + 1);
    }
    if (rowErrors.length) errors.push(...rowErrors);
    else bars.push({ line: i + 1, symbol, time, open: get('open'), high: get('high'), low: get('low'), close: get('close'), volume: get('volume') });
  }
  if (!bars.length && !errors.length) throw new ValidationError([{ path: '(body)', message: 'the file has no bars' }]);
  return { timeframe: layout.timeframe, layout: layout.columns.join(','), ignoredColumns: layout.ignored, bars, errors };
}

/** Each symbol of the bars with the first line naming it and its number of bars. */
export function symbolsOf(bars: ImportBar[]): Map<string, { line: number; rows: number }> {
  const out = new Map<string, { line: number; rows: number }>();
  for (const b of bars) {
    const s = out.get(b.symbol);
    if (s) s.rows++;
    else out.set(b.symbol, { line: b.line, rows: 1 });
  }
  return out;
}
