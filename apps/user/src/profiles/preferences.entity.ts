import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';

/** A user's notification channels; notification keeps a replica through `user.preferences.updated`. */
export const Preferences = defineEntity({
  name: 'Preferences',
  tableName: 'preferences',
  properties: {
    userId: p.uuid().primary(),
    notifyInApp: p.boolean(),
    notifyEmail: p.boolean(),
    webhookUrl: p.text().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type Preferences = InferEntity<typeof Preferences>;

export const DEFAULT_PREFERENCES = { notifyInApp: true, notifyEmail: true, webhookUrl: null } as const;
