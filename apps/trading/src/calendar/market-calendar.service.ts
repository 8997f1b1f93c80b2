import { Injectable } from '@nestjs/common';
import { nextClose, nextOpen, OutsideCalendarError, sessionAt, sessionsBetween, type Session } from '@alphintra/market-calendar';
import { CalendarOutOfRangeError, CalendarRangeTooLongError } from './calendar.errors';
import type { CalendarQuery } from './dto/calendar.dto';

const sessionView = (s: Session) => ({ ...s, openUtc: s.openUtc.toISOString(), closeUtc: s.closeUtc.toISOString() });

/** One year later, same month and day (29 February → 1 March). */
const yearAfter = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString().slice(0, 10);
};

/** The calendar's answer, or a 422 when the question lies outside the years it holds. */
function answered<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof OutsideCalendarError) throw new CalendarOutOfRangeError(e);
    throw e;
  }
}

/** The exchange's clock and calendar (XNYS, @alphintra/market-calendar), as trading answers them. */
@Injectable()
export class MarketCalendar {
  clock(now = new Date()) {
    return answered(() => ({ timestamp: now.toISOString(), isOpen: sessionAt(now) !== null, nextOpen: nextOpen(now).toISOString(), nextClose: nextClose(now).toISOString() }));
  }

  calendar(q: CalendarQuery) {
    const sessions = answered(() => sessionsBetween(q.from, q.to));
    if (q.to >= yearAfter(q.from)) throw new CalendarRangeTooLongError();
    return { items: sessions.map(sessionView) };
  }
}
