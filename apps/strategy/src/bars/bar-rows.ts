import { Dec } from '@alphintra/money';
import { ValidationError, type FieldError } from '@alphintra/platform-http';

/** One daily bar as stored: prices NUMERIC(20,6), volume bigint, all as strings. */
export interface Bar {
  date: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

/** A row as it arrived, before validation; `at` names it in errors (`line 7`, or `3` for a JSON array). */
export interface RawBar {
  at: string;
  fields: Record<string, unknown>;
}

/** `at` of a daily bar's price (`marketdata.price.updated`): the start of its session date, UTC. */
export const sessionTime = (date: string) => `${date}T00:00:00.000Z`;

export const BAR_FIELDS = ['date', 'open', 'high', 'low', 'close', 'volume'] as const;
export const CSV_HEADER = BAR_FIELDS.join(',');
export const MAX_BARS_PER_UPLOAD = 20_000;

const PRICE = /^(0|[1-9]\d{0,13})(\.\d{1,6})?$/;
const VOLUME = /^(0|[1-9]\d{0,17})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const tooMany = (n: number) => new ValidationError([{ path: '(body)', message: `at most ${MAX_BARS_PER_UPLOAD} bars per upload, got ${n}` }]);

/** `date,open,high,low,close,volume` with one bar a line; blank lines are skipped, line numbers count them. */
export function barsFromCsv(text: string): { rows: RawBar[]; errors: FieldError[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines[0]!.split(',').map((h) => h.trim().toLowerCase()).join(',');
  if (header !== CSV_HEADER) throw new ValidationError([{ path: 'line 1', message: `the header must be ${CSV_HEADER}` }]);
  const rows: RawBar[] = [];
  const errors: FieldError[] = [];
  lines.slice(1).forEach((line, i) => {
    if (line.trim() === '') return;
    const at = `line ${i + 2}`;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== BAR_FIELDS.length) errors.push({ path: at, message: `expected ${BAR_FIELDS.length} fields, got ${cells.length}` });
    else rows.push({ at, fields: Object.fromEntries(BAR_FIELDS.map((f, j) => [f, cells[j]])) });
  });
  if (rows.length + errors.length === 0) throw new ValidationError([{ path: '(body)', message: 'the file has no bars' }]);
  if (rows.length > MAX_BARS_PER_UPLOAD) throw tooMany(rows.length);
  return { rows, errors };
}

/** A JSON array of `{date, open, high, low, close, volume}`; prices are decimal strings. */
export function barsFromJson(body: unknown): { rows: RawBar[]; errors: FieldError[] } {
  if (!Array.isArray(body)) throw new ValidationError([{ path: '(body)', message: 'must be a JSON array of bars or a text/csv file' }]);
  if (body.length === 0) throw new ValidationError([{ path: '(body)', message: 'must hold at least one bar' }]);
  if (body.length > MAX_BARS_PER_UPLOAD) throw tooMany(body.length);
  const rows: RawBar[] = [];
  const errors: FieldError[] = [];
  body.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) errors.push({ path: String(i), message: 'must be an object' });
    else rows.push({ at: String(i), fields: item as Record<string, unknown> });
  });
  return { rows, errors };
}

export function calendarDate(v: unknown, latest: string): string | undefined {
  if (typeof v !== 'string') return 'must be a date such as "2024-03-28"';
  const m = DATE.exec(v);
  if (!m) return 'must be a date such as "2024-03-28"';
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.toISOString().slice(0, 10) !== v) return 'is not a calendar date';
  if (v < '1900-01-01') return 'must not be before 1900-01-01';
  if (v > latest) return 'is in the future';
  return undefined;
}

export const price = (v: unknown): string | undefined =>
  typeof v !== 'string' ? 'must be a decimal string such as "101.25"' : !PRICE.test(v) ? 'must be a positive decimal below 10^14 with at most 6 decimal places' : new Dec(v).isZero() ? 'must be greater than 0' : undefined;

export const volume = (v: unknown): string | undefined => {
  const s = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
  return typeof s === 'string' && VOLUME.test(s) ? undefined : 'must be a whole number of shares, 0 or more';
};

/**
 * Checks every row and collects every problem, so a file is fixed in one round; the caller stores
 * nothing unless there are none. Bars may be dated at most one day ahead of `today` (UTC), as
 * sessions east of UTC close on a date UTC has not reached.
 */
export function validateBars(raw: RawBar[], today = new Date()): { bars: Bar[]; errors: FieldError[] } {
  const latest = new Date(today.getTime() + 86_400_000).toISOString().slice(0, 10);
  const bars: Bar[] = [];
  const errors: FieldError[] = [];
  const seen = new Map<string, string>();
  for (const { at, fields } of raw) {
    const rowErrors: FieldError[] = [];
    const fail = (field: string, message: string) => rowErrors.push({ path: `${at}.${field}`, message });
    const dateError = calendarDate(fields.date, latest);
    if (dateError) fail('date', dateError);
    for (const f of ['open', 'high', 'low', 'close'] as const) {
      const e = price(fields[f]);
      if (e) fail(f, e);
    }
    const volumeError = volume(fields.volume);
    if (volumeError) fail('volume', volumeError);
    for (const extra of Object.keys(fields).filter((k) => !(BAR_FIELDS as readonly string[]).includes(k))) fail(extra, 'is not a bar field');
    if (rowErrors.length === 0) {
      const [o, h, l, c] = (['open', 'high', 'low', 'close'] as const).map((f) => new Dec(fields[f] as string));
      if (h!.lt(Dec.max(o!, c!, l!))) fail('high', 'must be at least open, low and close');
      if (l!.gt(Dec.min(o!, c!))) fail('low', 'must be at most open and close');
      const date = fields.date as string;
      const earlier = seen.get(date);
      if (earlier) fail('date', `repeats the date of ${earlier}`);
      seen.set(date, at);
    }
    if (rowErrors.length) errors.push(...rowErrors);
    else bars.push({ date: fields.date as string, open: fields.open as string, high: fields.high as string, low: fields.low as string, close: fields.close as string, volume: String(fields.volume) });
  }
  return { bars, errors };
}

const rowOrder = (path: string) => Number(/\d+/.exec(path)?.[0] ?? -1);

/** The bars of an upload in either format, and every problem with them in file order. */
export function readBars(body: unknown, contentType: string | undefined, today = new Date()): { bars: Bar[]; errors: FieldError[] } {
  const isCsv = /^text\/csv\b/i.test(contentType ?? '');
  if (isCsv && typeof body !== 'string') throw new ValidationError([{ path: '(body)', message: 'the file has no bars' }]);
  const parsed = isCsv ? barsFromCsv(body as string) : barsFromJson(body);
  const { bars, errors } = validateBars(parsed.rows, today);
  return { bars, errors: [...parsed.errors, ...errors].sort((a, b) => rowOrder(a.path) - rowOrder(b.path)) };
}
