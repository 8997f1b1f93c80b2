import { z } from 'zod';
import { wire } from '@alphintra/platform-http';

export const profileResponse = z.object({
  userId: wire.uuid(),
  email: z.string(),
  displayName: z.string().nullable(),
  country: z.string().nullable(),
  baseCurrency: z.string(),
  createdAt: wire.timestamp(),
  updatedAt: wire.timestamp(),
});

export const preferencesResponse = z.object({
  notifications: z.object({ inApp: z.boolean(), email: z.boolean(), webhookUrl: z.string().nullable() }),
  updatedAt: wire.timestamp(),
});
