import { XNYS } from './xnys.data';

/** The calendar is data for a few years; outside them it says so rather than guessing. */
export class OutsideCalendarError extends Error {
  constructor(
    /** What was asked for: an instant, a date, "the next open after …". */
    readonly what: string,
    /** The request field it came from, when there is one. */
    readonly path?: string,
  ) {
    super(`The ${XNYS.code} calendar covers ${XNYS.firstYear}-01-01 to ${XNYS.lastYear}-12-31 (exchange dates); ${what} is outside it.`);
    this.name = 'OutsideCalendarError';
  }
}

/** One trading session, in UTC and in exchange time (ISO 8601 with the exchange's offset). */
export interface Session {
  /** The exchange date, YYYY-MM-DD. */
  date: string;
  open: string;
  close: string;
  openUtc: Date;
  closeUtc: Date;
  earlyClose: boolean;
}

const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/** The n-th (1-based) Sunday of a month, as a UTC midnight. */
function nthSunday(year: number, month: number, n: number): number {
  const first = Date.UTC(year, month, 1);
  return first + (((7 - new Date(first).getUTCDay()) % 7) + 7 * (n - 1)) * DAY_MS;
}

/**
 * America/New_York's offset from UTC in hours on a date, by the US rule in force since 2007:
 * daylight time from the second Sunday of March to the first Sunday of November. The switch
 * happens at 02:00 local on a Sunday, never during a session, so the date decides.
 */
export function newYorkOffset(date: string): -4 | -5 {
  const day = Date.parse(`${date}T00:00:00Z`);
  const year = Number(date.slice(0, 4));
  return day >= nthSunday(year, 2, 2) && day < nthSunday(year, 10, 1) ? -4 : -5;
}

function sessionOn(date: string): Session {
  const offset = newYorkOffset(date);
  const earlyClose = date in XNYS.earlyCloses;
  const at = (t: { hour: number; minute: number }) => ({
    local: `${date}T${pad(t.hour)}:${pad(t.minute)}:00-0${-offset}:00`,
    utc: new Date(Date.parse(`${date}T00:00:00Z`) + ((t.hour - offset) * 60 + t.minute) * 60_000),
  });
  const open = at(XNYS.open);
  const close = at(earlyClose ? XNYS.earlyClose : XNYS.close);
  return { date, open: open.local, close: close.local, openUtc: open.utc, closeUtc: close.utc, earlyClose };
}

const FIRST_DATE = `${XNYS.firstYear}-01-01`;
const LAST_DATE = `${XNYS.lastYear}-12-31`;
const newYorkMidnight = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - newYorkOffset(date) * 3_600_000);

/** Every session the data covers, in order. */
const SESSIONS: readonly Session[] = (() => {
  const out: Session[] = [];
  for (let t = Date.parse(`${FIRST_DATE}T00:00:00Z`); t <= Date.parse(`${LAST_DATE}T00:00:00Z`); t += DAY_MS) {
    const d = new Date(t);
    const date = isoDate(d);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && !(date in XNYS.holidays)) out.push(sessionOn(date));
  }
  return out;
})();

/** The instants the data speaks for: midnight in New York at the start of the first date to midnight after the last. */
export const CALENDAR_COVERS = {
  from: newYorkMidnight(FIRST_DATE),
  until: newYorkMidnight(`${XNYS.lastYear + 1}-01-01`),
  firstDate: FIRST_DATE,
  lastDate: LAST_DATE,
};

function covered(t: Date, path?: string): void {
  if (!(t >= CALENDAR_COVERS.from && t < CALENDAR_COVERS.until)) throw new OutsideCalendarError(Number.isNaN(t.getTime()) ? 'an invalid instant' : t.toISOString(), path);
}

/** The session in progress at t (open <= t < close), or null when the market is closed. */
export function sessionAt(t: Date): Session | null {
  covered(t);
  return SESSIONS.find((s) => s.openUtc <= t && t < s.closeUtc) ?? null;
}

/** The first session open strictly after t. */
export function nextOpen(t: Date): Date {
  covered(t);
  const s = SESSIONS.find((x) => x.openUtc > t);
  if (!s) throw new OutsideCalendarError(`the next open after ${t.toISOString()}`);
  return s.openUtc;
}

/**
 * The first session close strictly after t: the close of the session in progress, or of the
 * next one. A DAY order placed at t expires then.
 */
export function nextClose(t: Date): Date {
  covered(t);
  const s = SESSIONS.find((x) => x.closeUtc > t);
  if (!s) throw new OutsideCalendarError(`the next close after ${t.toISOString()}`);
  return s.closeUtc;
}

/** The sessions of the exchange dates from..to (YYYY-MM-DD, both included). */
export function sessionsBetween(from: string, to: string): Session[] {
  if (from < FIRST_DATE || from > LAST_DATE) throw new OutsideCalendarError(from, 'from');
  if (to < FIRST_DATE || to > LAST_DATE) throw new OutsideCalendarError(to, 'to');
  return SESSIONS.filter((s) => s.date >= from && s.date <= to);
}
