import { CALENDAR_COVERS, nextClose, sessionAt } from './exchange-calendar';
import { XNYS } from './xnys.data';

/** One trading session: [open, close) in epoch milliseconds. */
export interface SessionSpan {
  open: number;
  close: number;
}

/** When the market trades: the session in progress at `t`, or the next one. */
export interface SessionRule {
  sessionFrom(t: number): SessionSpan;
}

/** For demos at night and at weekends: one session that never closes. */
export const ALWAYS_OPEN: SessionRule = { sessionFrom: () => ({ open: -Infinity, close: Infinity }) };

const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: XNYS.timeZone,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** New York wall time at `t` read as if it were UTC, so `t - offset` maps it back. */
function newYorkAsUtc(t: number): number {
  const p = Object.fromEntries(NEW_YORK.formatToParts(t).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}

/** The instant of a New York wall time on a calendar date (at 09:30 and 16:00 there is no DST gap or overlap). */
function newYorkTime(year: number, month: number, day: number, hour: number, minute: number): number {
  const asUtc = Date.UTC(year, month, day, hour, minute);
  const noon = Date.UTC(year, month, day, 17);
  return asUtc - (newYorkAsUtc(noon) - noon);
}

/** Weekdays 09:30–16:00 New York: the rule beyond the years the calendar's data holds (no holidays known there). */
function weekdaySessionFrom(t: number): SessionSpan {
  const local = new Date(newYorkAsUtc(t));
  for (let d = 0; d < 8; d++) {
    const day = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + d));
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
    const [y, m, dd] = [day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()];
    const s = { open: newYorkTime(y, m, dd, XNYS.open.hour, XNYS.open.minute), close: newYorkTime(y, m, dd, XNYS.close.hour, XNYS.close.minute) };
    if (s.close > t) return s;
  }
  throw new Error('no weekday within a week');
}

/**
 * XNYS regular hours: the calendar's sessions (holidays skipped, early closes kept) for the years
 * it holds, weekdays 09:30–16:00 New York outside them — a feed or a venue keeps working in 2028,
 * only without that year's holidays, where trading's API refuses to guess (OutsideCalendarError).
 */
export const XNYS_HOURS: SessionRule = {
  sessionFrom(t) {
    const at = new Date(t);
    if (at < CALENDAR_COVERS.from || at >= CALENDAR_COVERS.until) return weekdaySessionFrom(t);
    const now = sessionAt(at);
    if (now) return { open: now.openUtc.getTime(), close: now.closeUtc.getTime() };
    const close = t < CALENDAR_COVERS.until.getTime() ? safeNextClose(at) : null;
    if (!close) return weekdaySessionFrom(t);
    // the session that closes next opens 6.5 h (or 3.5 h on an early close) before it
    const next = sessionAt(new Date(close.getTime() - 1))!;
    return { open: next.openUtc.getTime(), close: next.closeUtc.getTime() };
  },
};

function safeNextClose(t: Date): Date | null {
  try {
    return nextClose(t);
  } catch {
    return null; // after the last session the data holds
  }
}

/** Whether the rule's market trades at `t`. */
export const isOpen = (rule: SessionRule, t: number): boolean => {
  const s = rule.sessionFrom(t);
  return s.open <= t && t < s.close;
};
