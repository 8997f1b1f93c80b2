import { DomainError, type FieldError } from '@alphintra/platform-http';

export class ScreenerNotFoundError extends DomainError {
  constructor(id: string) {
    super('SCREENER.NOT_FOUND', 'not_found', `No screener ${id} exists.`);
  }
}

/** A screen names a filter that does not exist or is retired, or a bound its filter cannot take. */
export class InvalidScreenError extends DomainError {
  constructor(errors: FieldError[]) {
    super('SCREEN.INVALID_CRITERIA', 'unprocessable', 'The screen refers to unknown filters or values they cannot take.', errors);
  }
}
