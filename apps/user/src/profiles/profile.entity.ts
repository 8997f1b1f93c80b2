import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

export const Profile = defineEntity({
  name: 'Profile',
  tableName: 'profile',
  properties: {
    userId: p.uuid().primary(),
    email: p.text(),
    displayName: p.text().nullable(),
    country: p.text().nullable(),
    baseCurrency: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type Profile = InferEntity<typeof Profile>;
