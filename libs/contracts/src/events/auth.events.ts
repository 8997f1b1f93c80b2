import { z } from 'zod';
import { defineEvent } from '../event-contract';
import { isoTime, role } from '../schemas';
import { TOPICS } from '../topics';

export const UserRegistered = defineEvent({
  type: 'auth.user.registered',
  version: 1,
  topic: TOPICS.authUser,
  schema: z.object({
    userId: z.uuid(),
    email: z.email(),
    displayName: z.string().max(100).nullable(),
    roles: z.array(role).min(1),
    registeredAt: isoTime,
  }),
});

export const UserRolesChanged = defineEvent({
  type: 'auth.user.roles-changed',
  version: 1,
  topic: TOPICS.authUser,
  schema: z.object({ userId: z.uuid(), roles: z.array(role).min(1), changedBy: z.uuid() }),
});
