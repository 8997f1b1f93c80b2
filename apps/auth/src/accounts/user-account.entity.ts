import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';
import type { Role } from '@alphintra/contracts';

/** Someone who can sign in: credentials and roles. The e-mail is kept lower-cased, unique. */
export const UserAccount = defineEntity({
  name: 'UserAccount',
  tableName: 'user_account',
  properties: {
    id: p.uuid().primary(),
    email: p.text(),
    passwordHash: p.text(),
    displayName: p.text().nullable(),
    roles: p.array<Role>().columnType('text[]'),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type UserAccount = InferEntity<typeof UserAccount>;
