import { DomainError, type FieldError } from '@alphintra/platform-http';

export class BacktestNotFoundError extends DomainError {
  constructor(id: string) {
    super('BACKTEST.NOT_FOUND', 'not_found', `No backtest ${id} exists.`);
  }
}

/** The request names a strategy the caller does not have or symbols strategy does not list. */
export class InvalidBacktestError extends DomainError {
  constructor(errors: FieldError[]) {
    super('BACKTEST.INVALID_REQUEST', 'unprocessable', 'The backtest refers to unknown strategies or symbols.', errors);
  }
}
