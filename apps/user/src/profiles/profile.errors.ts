import { DomainError } from '@alphintra/platform-http';

/** The profile is made when `auth.user.registered` arrives; until then the user is unknown here. */
export class ProfileNotFoundError extends DomainError {
  constructor() {
    super('PROFILE.NOT_FOUND', 'not_found', 'No profile exists for this user yet.');
  }
}
