import { z } from 'zod';
import { authEnv } from '@alphintra/platform-auth';
import { booleanFlag } from '@alphintra/platform-config';
import { loadServiceEnv, webhookPolicyEnv } from '@alphintra/platform-http';

/** Where e-mail is handed over (nodemailer's SMTP transport). */
export interface SmtpServer {
  host: string;
  port: number;
  /** TLS from the first byte (`smtps://`); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  auth?: { user: string; pass: string };
}

/** `smtp://[user:password@]host[:port]` (port 25) or `smtps://…` (port 465); user and password percent-encoded. */
const smtpUrl = z
  .url()
  .default('smtp://127.0.0.1:25')
  .transform((raw, ctx): SmtpServer => {
    const u = new URL(raw);
    const secure = u.protocol === 'smtps:';
    if ((u.protocol !== 'smtp:' && !secure) || !u.hostname || (u.pathname && u.pathname !== '/') || u.search) {
      ctx.addIssue({ code: 'custom', message: 'must be smtp://[user:password@]host[:port] or smtps://[user:password@]host[:port]' });
      return z.NEVER;
    }
    if (u.password && !u.username) {
      ctx.addIssue({ code: 'custom', message: 'has a password but no user' });
      return z.NEVER;
    }
    const auth = u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined;
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (secure ? 465 : 25)), secure, ...(auth && { auth }) };
  });

export const notificationEnv = {
  SMTP_URL: smtpUrl,
  SMTP_FROM: z.email().default('no-reply@alphintra.local'),
  /** Refuse to send (or to authenticate) on an `smtp://` connection that STARTTLS did not secure. */
  SMTP_REQUIRE_TLS: booleanFlag.default(false),
  /** Connecting, the greeting, and each reply. */
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Signs webhook bodies (`X-Alphintra-Signature`); without it webhook deliveries fail and are logged as such. */
  NOTIFICATION_WEBHOOK_SECRET: z.string().min(16).optional(),
  NOTIFICATION_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(5000),
  ...webhookPolicyEnv,
  /** The first retry waits this long, each further one twice as long. */
  NOTIFICATION_RETRY_BASE_MS: z.coerce.number().int().min(1).max(86_400_000).default(1000),
  /** Attempts of one delivery before it is given up as `failed`. */
  NOTIFICATION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  NOTIFICATION_WORKER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  NOTIFICATION_SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
};

export const loadEnv = (source: NodeJS.ProcessEnv = process.env) => loadServiceEnv('notification', 3008, { ...authEnv.shape, ...notificationEnv }, source);
export type NotificationEnv = ReturnType<typeof loadEnv>;
