import { DomainError, type FieldError } from '@alphintra/platform-http';

export class StrategyNotFoundError extends DomainError {
  constructor(id: string) {
    super('STRATEGY.NOT_FOUND', 'not_found', `No strategy ${id} exists.`);
  }
}

/** The spec is well-formed JSON but names unknown indicators, takes bad params or asks for outputs an indicator lacks. */
export class InvalidStrategySpecError extends DomainError {
  constructor(errors: FieldError[]) {
    super('STRATEGY.INVALID_SPEC', 'unprocessable', 'The strategy spec is invalid.', errors);
  }
}
