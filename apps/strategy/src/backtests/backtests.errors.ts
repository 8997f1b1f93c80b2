import { DomainError, type FieldError } from '@alphintra/platform-http';

export class BacktestNotFoundError extends DomainError {
  constructor(id: string) {
    super('BACKTEST.NOT_FOUND', 'not_found', `No backtest ${id} exists.`);
  }
}

/** The request names a strategy or a no-code execution the caller does not have, or symbols strategy does not list. */
export class InvalidBacktestError extends DomainError {
  constructor(errors: FieldError[]) {
    super('BACKTEST.INVALID_REQUEST', 'unprocessable', 'The backtest refers to unknown strategies, executions or symbols.', errors);
  }
}

/** A per-user quota, not a rate: it frees up as the caller's own backtests finish. */
export class TooManyActiveBacktestsError extends DomainError {
  constructor(limit: number) {
    super('BACKTEST.TOO_MANY_ACTIVE', 'rate_limited', `You have ${limit} backtests queued or running, the most one user may have; queue another once one has finished.`);
  }
}

export class ExecutionUncheckedError extends DomainError {
  constructor(reason: string) {
    super('BACKTEST.EXECUTION_UNCHECKED', 'unavailable', `Nocode, which owns the named execution, could not confirm it is yours (${reason}); try again shortly.`);
  }
}
