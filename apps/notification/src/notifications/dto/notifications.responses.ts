import { z } from 'zod';
import { wire } from '@alphintra/platform-http';

export const notificationPageResponse = wire.page(
  z.object({
    id: wire.uuid(),
    kind: z.string(),
    title: z.string(),
    body: z.string(),
    data: z.record(z.string(), z.unknown()),
    readAt: wire.timestamp().nullable(),
    createdAt: wire.timestamp(),
  }),
);

export const deliveryPageResponse = wire.page(
  z.object({
    id: wire.uuid(),
    notificationId: wire.uuid(),
    channel: z.enum(['email', 'webhook']),
    status: z.enum(['pending', 'sent', 'failed']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    at: wire.timestamp().describe('when the delivery last changed'),
    nextAttemptAt: wire.timestamp().nullable(),
    log: z.array(z.object({ attempt: z.number().int(), at: wire.timestamp(), ok: z.boolean(), error: z.string().nullable() })),
  }),
);
