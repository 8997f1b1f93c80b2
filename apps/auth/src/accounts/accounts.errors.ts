import { DomainError } from '@alphintra/platform-http';

export class EmailTakenError extends DomainError {
  constructor() {
    super('AUTH.EMAIL_TAKEN', 'conflict', 'An account with this e-mail address already exists.');
  }
}

export class UserNotFoundError extends DomainError {
  constructor() {
    super('AUTH.USER_NOT_FOUND', 'not_found', 'No such user.');
  }
}
