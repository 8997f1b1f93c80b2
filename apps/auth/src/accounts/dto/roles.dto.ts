import { z } from 'zod';
import { role, ROLES, type Role } from '@alphintra/contracts';

export const userIdParams = z.object({ userId: z.uuid('must be a UUID') });

export const rolesBody = z.object({
  roles: z
    .array(role)
    .min(1, 'must name at least one role')
    .max(ROLES.length)
    .transform((roles) => ROLES.filter((r) => roles.includes(r))),
});
export type RolesBody = z.infer<typeof rolesBody>;

export interface UserRoles {
  userId: string;
  roles: Role[];
}

export interface Me extends UserRoles {
  email: string;
}
