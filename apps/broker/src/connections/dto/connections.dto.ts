import { z } from 'zod';
import { LIVE_BROKERS } from '../../venues/live-venue.registry';
import type { ConnectionRow } from '../../venues/venue-router';

export const BROKERS = ['paper', ...LIVE_BROKERS] as const;

const secret = z.string().min(4, 'must be at least 4 characters').max(512);

export const connectionBody = z
  .strictObject({
    broker: z.enum(BROKERS),
    label: z.string().trim().min(1).max(100),
    credentials: z.strictObject({ apiKey: secret, apiSecret: secret }).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.broker !== 'paper' && !b.credentials) ctx.addIssue({ code: 'custom', path: ['credentials'], message: `is required for broker "${b.broker}"` });
  });
export type ConnectionBody = z.infer<typeof connectionBody>;

export const idParams = z.strictObject({ id: z.uuid() });

export const settingsBody = z.strictObject({
  defaultConnectionId: z.uuid().nullable(),
  slippageBps: z.number().int().min(0).max(10_000),
});
export type SettingsBody = z.infer<typeof settingsBody>;

/** Credentials are never part of an answer: only the last four characters of the API key. */
export const connectionView = (c: ConnectionRow) => ({
  id: c.id,
  broker: c.broker,
  mode: c.mode,
  label: c.label,
  apiKeyLast4: c.apiKeyLast4,
  createdAt: new Date(c.createdAt).toISOString(),
});
