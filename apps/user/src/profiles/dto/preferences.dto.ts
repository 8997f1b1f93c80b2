import { z } from 'zod';
import type { Preferences } from '../preferences.entity';

export const preferencesBody = z.strictObject({
  notifications: z.strictObject({
    inApp: z.boolean(),
    email: z.boolean(),
    webhookUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable().default(null),
  }),
});
export type PreferencesBody = z.infer<typeof preferencesBody>;

export const notificationsOf = (p: Preferences) => ({ inApp: p.notifyInApp, email: p.notifyEmail, webhookUrl: p.webhookUrl ?? null });

export const preferencesView = (p: Preferences) => ({ notifications: notificationsOf(p), updatedAt: p.updatedAt.toISOString() });
