import { DomainError } from '@alphintra/platform-http';
import { XNYS } from './xnys.data';

const COVERED = `${XNYS.firstYear}-01-01 to ${XNYS.lastYear}-12-31`;

/** The calendar is data for a few years; outside them it says so rather than guessing. */
export class OutsideCalendarError extends DomainError {
  constructor(what: string, path?: string) {
    super('CALENDAR.OUT_OF_RANGE', 'unprocessable', `The ${XNYS.code} calendar covers ${COVERED} (exchange dates); ${what} is outside it.`, [
      { path: path ?? 'at', message: `must lie within ${COVERED}` },
    ]);
  }
}

export class CalendarRangeTooLongError extends DomainError {
  constructor() {
    super('CALENDAR.RANGE_TOO_LONG', 'unprocessable', 'A calendar is served for at most one year at a time.', [{ path: 'to', message: 'must be less than one year after from' }]);
  }
}
