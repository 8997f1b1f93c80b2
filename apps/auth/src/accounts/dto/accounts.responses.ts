import { z } from 'zod';
import { ROLES } from '@alphintra/contracts';
import { wire } from '@alphintra/platform-http';

export const registeredUserResponse = z.object({ userId: wire.uuid(), email: z.string() });
export const userRolesResponse = z.object({ userId: wire.uuid(), roles: z.array(z.enum(ROLES)) });
export const meResponse = userRolesResponse.extend({ email: z.string() });
