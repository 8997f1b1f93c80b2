import { XNYS, type OutsideCalendarError } from '@alphintra/market-calendar';
import { DomainError } from '@alphintra/platform-http';

const COVERED = `${XNYS.firstYear}-01-01 to ${XNYS.lastYear}-12-31`;

/** The calendar's OutsideCalendarError as the API answers it: 422, naming the field. */
export class CalendarOutOfRangeError extends DomainError {
  constructor(e: OutsideCalendarError) {
    super('CALENDAR.OUT_OF_RANGE', 'unprocessable', e.message, [{ path: e.path ?? 'at', message: `must lie within ${COVERED}` }]);
  }
}

export class CalendarRangeTooLongError extends DomainError {
  constructor() {
    super('CALENDAR.RANGE_TOO_LONG', 'unprocessable', 'A calendar is served for at most one year at a time.', [{ path: 'to', message: 'must be less than one year after from' }]);
  }
}
