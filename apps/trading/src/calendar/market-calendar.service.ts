import { Injectable } from '@nestjs/common';
import { CalendarRangeTooLongError } from './calendar.errors';
import type { CalendarQuery } from './dto/calendar.dto';
import { nextClose, nextOpen, sessionAt, sessionsBetween, type Session } from './exchange-calendar';

const sessionView = (s: Session) => ({ ...s, openUtc: s.openUtc.toISOString(), closeUtc: s.closeUtc.toISOString() });

/** One year later, same month and day (29 February → 1 March). */
const yearAfter = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString().slice(0, 10);
};

/** The exchange's clock and calendar (XNYS), as trading answers them. */
@Injectable()
export class MarketCalendar {
  clock(now = new Date()) {
    return { timestamp: now.toISOString(), isOpen: sessionAt(now) !== null, nextOpen: nextOpen(now).toISOString(), nextClose: nextClose(now).toISOString() };
  }

  calendar(q: CalendarQuery) {
    const sessions = sessionsBetween(q.from, q.to);
    if (q.to >= yearAfter(q.from)) throw new CalendarRangeTooLongError();
    return { items: sessions.map(sessionView) };
  }
}
