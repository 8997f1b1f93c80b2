import { z } from 'zod';
import { limitParam } from '@alphintra/platform-http';
import type { Notification } from '../notification.entity';

export const notificationsQuery = z.strictObject({
  /** `true`: only unread, `false`: only read, absent: both. */
  unread: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  limit: limitParam(),
  /** The last id of the previous page (newest first; ids are UUIDv7). */
  cursor: z.uuid().optional(),
});
export type NotificationsQuery = z.infer<typeof notificationsQuery>;

export const notificationParams = z.strictObject({ id: z.uuid() });

export const notificationView = (n: Notification) => ({
  id: n.id,
  kind: n.kind,
  title: n.title,
  body: n.body,
  data: n.data,
  readAt: n.readAt ? n.readAt.toISOString() : null,
  createdAt: n.createdAt.toISOString(),
});
export type NotificationView = ReturnType<typeof notificationView>;
