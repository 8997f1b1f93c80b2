/** What went wrong, in domain terms; the HTTP layer maps the kind to a status. */
export type DomainErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'unprocessable' | 'rate_limited' | 'unavailable';

export interface FieldError {
  path: string;
  message: string;
}

/** A domain error with a stable code, e.g. `ORDER.NOT_FOUND`. Services throw these, never HTTP exceptions. */
export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
  }
}

export class ValidationError extends DomainError {
  constructor(errors: FieldError[], message = 'The request is invalid.') {
    super('REQUEST.INVALID', 'invalid', message, errors);
  }
}
