import { DomainError } from '@alphintra/platform-http';

/** The profile is made when `auth.user.registered` arrives; until then the user is unknown here. */
export class ProfileNotFoundError extends DomainError {
  constructor() {
    super('PROFILE.NOT_FOUND', 'not_found', 'No profile exists for this user yet.');
  }
}

/** A webhook URL the policy refuses (scheme, address, or what its host resolves to). */
export class WebhookUrlRefusedError extends DomainError {
  constructor(reason: string) {
    super('PREFERENCES.WEBHOOK_URL_REFUSED', 'unprocessable', `The webhook URL ${reason}.`, [{ path: 'notifications.webhookUrl', message: reason }]);
  }
}
