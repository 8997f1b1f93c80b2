import { DomainError } from '@alphintra/platform-http';

/** 400: a range longer than its timeframe is served for, naming the field that set it. */
export class HistoryRangeTooLongError extends DomainError {
  constructor(field: 'from' | 'to', timeframe: string, most: string) {
    super('ACCOUNT.HISTORY_RANGE_TOO_LONG', 'invalid', `A ${timeframe} equity history spans at most ${most}.`, [{ path: field, message: `must be at most ${most} from the other end of the range` }]);
  }
}
