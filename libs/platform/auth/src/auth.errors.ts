import { DomainError } from '@alphintra/platform-http';

/** The access token is missing, malformed, untrusted or expired; the reason says which. */
export class InvalidTokenError extends DomainError {
  constructor(reason: string) {
    super('AUTH.INVALID_TOKEN', 'unauthenticated', reason);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'The caller lacks a role this operation requires.') {
    super('AUTH.FORBIDDEN', 'forbidden', message);
  }
}

/** The JWKS endpoint could not be read and no cached key can stand in; not the caller's fault. */
export class JwksUnavailableError extends Error {
  override name = 'JwksUnavailableError';
}
