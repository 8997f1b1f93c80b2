import { z } from 'zod';
import { authEnv } from '@alphintra/platform-auth';
import { loadServiceEnv } from '@alphintra/platform-http';

export const notificationEnv = {
  /** The SMTP relay e-mail goes through: `smtp://host:port` (plain SMTP, no TLS or auth — a local relay). */
  SMTP_URL: z
    .url()
    .default('smtp://127.0.0.1:25')
    .refine((u) => new URL(u).protocol === 'smtp:', 'must be smtp://host:port'),
  SMTP_FROM: z.email().default('no-reply@alphintra.local'),
  /** Signs webhook bodies (`X-Alphintra-Signature`); without it webhook deliveries fail and are logged as such. */
  NOTIFICATION_WEBHOOK_SECRET: z.string().min(16).optional(),
  NOTIFICATION_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(5000),
  /** The first retry waits this long, each further one twice as long. */
  NOTIFICATION_RETRY_BASE_MS: z.coerce.number().int().min(1).max(86_400_000).default(1000),
  /** Attempts of one delivery before it is given up as `failed`. */
  NOTIFICATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  NOTIFICATION_WORKER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  NOTIFICATION_SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
};

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('notification', 3008, { ...authEnv.shape, ...notificationEnv }, source);
export type NotificationEnv = ReturnType<typeof loadEnv>;
