import { DomainError } from '@alphintra/platform-http';

export class ExecutionNotFoundError extends DomainError {
  constructor() {
    super('EXECUTION.NOT_FOUND', 'not_found', 'No such execution.');
  }
}

export class TooManyBacktestsError extends DomainError {
  constructor(detail: string) {
    super('WORKFLOW.TOO_MANY_BACKTESTS', 'rate_limited', `Strategy queues no more of your backtests for now: ${detail}`);
  }
}

export class StrategyDownError extends DomainError {
  constructor() {
    super('WORKFLOW.STRATEGY_UNAVAILABLE', 'unavailable', 'Strategy, which runs backtests, is unavailable; the execution was recorded as failed. Try again shortly.');
  }
}
