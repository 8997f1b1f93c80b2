import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { TOPICS } from '../topics';

/** Notification keeps a replica of each user's channels from this. */
export const PreferencesUpdated = defineEvent({
  type: 'user.preferences.updated',
  version: 1,
  topic: TOPICS.userPreferences,
  schema: z.object({
    userId: z.uuid(),
    email: z.email().nullable(),
    notifications: z.object({ inApp: z.boolean(), email: z.boolean(), webhookUrl: z.url().nullable() }),
  }),
});
