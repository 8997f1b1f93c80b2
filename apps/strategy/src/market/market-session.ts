/** One trading session: [open, close) in epoch milliseconds. */
export interface Session {
  open: number;
  close: number;
}

/** When the market trades: the session open at `t`, or the next one. */
export interface SessionRule {
  sessionFrom(t: number): Session;
}

/** For demos at night and at weekends: one session that never closes. */
export const ALWAYS_OPEN: SessionRule = { sessionFrom: () => ({ open: -Infinity, close: Infinity }) };

const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
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

/**
 * US regular hours, 09:30–16:00 America/New_York on weekdays. Holidays and early closes are not
 * known here: trading's XNYS calendar (apps/trading/src/calendar) is the full rule; this duplicate
 * only paces the simulated feed.
 */
export const US_REGULAR_HOURS: SessionRule = {
  sessionFrom(t) {
    const local = new Date(newYorkAsUtc(t));
    for (let d = 0; d < 8; d++) {
      const day = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + d));
      const weekday = day.getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      const [y, m, dd] = [day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()];
      const s = { open: newYorkTime(y, m, dd, 9, 30), close: newYorkTime(y, m, dd, 16, 0) };
      if (s.close > t) return s;
    }
    throw new Error('no weekday within a week');
  },
};
