import { DomainError } from '@alphintra/platform-http';

export class ScreenerNotFoundError extends DomainError {
  constructor() {
    super('SCREENER.NOT_FOUND', 'not_found', 'No such screener.');
  }
}

export class ScreenerNameTakenError extends DomainError {
  constructor(name: string) {
    super('SCREENER.DUPLICATE_NAME', 'conflict', `A screener named "${name}" already exists.`, [{ path: 'name', message: 'is already used by another screener' }]);
  }
}

export class UnknownFilterError extends DomainError {
  constructor(path: string) {
    super('SCREENER.UNKNOWN_FILTER', 'unprocessable', 'The screener refers to a filter strategy does not define.', [{ path, message: 'is not a defined filter' }]);
  }
}

export class RetiredFilterError extends DomainError {
  constructor(path: string) {
    super('SCREENER.RETIRED_FILTER', 'unprocessable', 'The screener refers to a retired filter.', [{ path, message: 'has been retired' }]);
  }
}

export class FilterKindMismatchError extends DomainError {
  constructor(path: string, kind: string) {
    super('SCREENER.WRONG_FILTER_KIND', 'unprocessable', `The filter is a ${kind} filter.`, [{ path, message: `is a ${kind} filter` }]);
  }
}

export class ScreenerDisabledError extends DomainError {
  constructor(reason: string) {
    super('SCREENER.DISABLED', 'unprocessable', `The screener is disabled: ${reason}.`);
  }
}

export class ScreenRejectedError extends DomainError {
  constructor(detail: string) {
    super('SCREENER.REJECTED_BY_STRATEGY', 'unprocessable', `Strategy refused the screen: ${detail}`);
  }
}
