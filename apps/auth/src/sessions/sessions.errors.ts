import { DomainError } from '@alphintra/platform-http';

/** One answer for an unknown e-mail and a wrong password, so neither can be told from the other. */
export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('AUTH.INVALID_CREDENTIALS', 'unauthenticated', 'The e-mail address or password is incorrect.');
  }
}

export class LoginThrottledError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('AUTH.LOGIN_THROTTLED', 'rate_limited', `Too many failed logins; try again in ${retryAfterSeconds} seconds.`);
  }
}

/** Unknown, expired, spent or revoked: the client learns only that it must log in again. */
export class InvalidRefreshTokenError extends DomainError {
  constructor() {
    super('AUTH.INVALID_REFRESH_TOKEN', 'unauthenticated', 'The refresh token is not valid; log in again.');
  }
}
