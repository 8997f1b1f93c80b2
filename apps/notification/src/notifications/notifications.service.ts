import { Injectable } from '@nestjs/common';
import { EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import type { EventData, PreferencesUpdated, UserRegistered } from '@alphintra/contracts';
import { query, uuidv7 } from '@alphintra/platform-database';
import { DomainError, pageOf } from '@alphintra/platform-http';
import { notificationView, type NotificationsQuery } from './dto/notifications.dto';
import { Notification } from './notification.entity';

export interface NewNotification {
  userId: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  /** The event it was made from: one notification per event, whatever the redeliveries. */
  sourceEventId: string;
}

interface Channels {
  email: string | null;
  inApp: boolean;
  emailEnabled: boolean;
  webhookUrl: string | null;
}

const DEFAULT_CHANNELS: Channels = { email: null, inApp: true, emailEnabled: true, webhookUrl: null };

@Injectable()
export class NotificationsService {
  constructor(private readonly em: EntityManager) {}

  /** A registered user gets the default channels at the registered address (kept if preferences came first). */
  async registered(em: EntityManager, d: EventData<typeof UserRegistered>, eventId: string): Promise<void> {
    await query(
      em,
      `insert into "notification_data"."channel_settings" ("user_id", "email", "updated_at") values ($1, $2, now())
       on conflict ("user_id") do update set "email" = coalesce("channel_settings"."email", excluded."email")`,
      [d.userId, d.email],
    );
    await this.create(em, {
      userId: d.userId,
      kind: 'welcome',
      title: 'Welcome to Alphintra',
      body: `Hello${d.displayName ? ` ${d.displayName}` : ''}, your Alphintra account is ready.`,
      data: { userId: d.userId, registeredAt: d.registeredAt },
      sourceEventId: eventId,
    });
  }

  /** The replica of a user's channels; an absent address keeps the one known from registration. */
  async preferences(em: EntityManager, d: EventData<typeof PreferencesUpdated>): Promise<void> {
    await query(
      em,
      `insert into "notification_data"."channel_settings" ("user_id", "email", "in_app", "email_enabled", "webhook_url", "updated_at") values ($1, $2, $3, $4, $5, now())
       on conflict ("user_id") do update set "email" = coalesce(excluded."email", "channel_settings"."email"), "in_app" = excluded."in_app",
         "email_enabled" = excluded."email_enabled", "webhook_url" = excluded."webhook_url", "updated_at" = excluded."updated_at"`,
      [d.userId, d.email, d.notifications.inApp, d.notifications.email, d.notifications.webhookUrl],
    );
  }

  /**
   * Inside the caller's (inbox) transaction: the notification and a pending delivery per enabled
   * external channel. The insert trigger announces it to the SSE streams on commit.
   * Nothing is stored when no channel at all is enabled, or when the event was already handled.
   */
  async create(em: EntityManager, n: NewNotification): Promise<string | null> {
    const [row] = await query<{ email: string | null; inApp: boolean; emailEnabled: boolean; webhookUrl: string | null }>(
      em,
      `select "email", "in_app" as "inApp", "email_enabled" as "emailEnabled", "webhook_url" as "webhookUrl" from "notification_data"."channel_settings" where "user_id" = $1`,
      [n.userId],
    );
    const c = row ?? DEFAULT_CHANNELS;
    const targets: ['email' | 'webhook', string][] = [];
    if (c.emailEnabled && c.email) targets.push(['email', c.email]);
    if (c.webhookUrl) targets.push(['webhook', c.webhookUrl]);
    if (!c.inApp && targets.length === 0) return null;

    const now = new Date();
    const id = uuidv7(now.getTime());
    const inserted = await query<{ id: string }>(
      em,
      `insert into "notification_data"."notification" ("id", "user_id", "kind", "title", "body", "data", "in_app", "source_event_id", "created_at")
       values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9) on conflict ("source_event_id") do nothing returning "id"`,
      [id, n.userId, n.kind, n.title, n.body, JSON.stringify(n.data), c.inApp, n.sourceEventId, now.toISOString()],
    );
    if (!inserted.length) return null;
    for (const [channel, target] of targets) {
      await query(
        em,
        `insert into "notification_data"."delivery" ("id", "notification_id", "user_id", "channel", "target", "next_attempt_at", "created_at", "updated_at")
         values ($1, $2, $3, $4, $5, $6, $6, $6)`,
        [uuidv7(), id, n.userId, channel, target, now.toISOString()],
      );
    }
    return id;
  }

  /** The caller's in-app notifications, newest first. */
  async list(userId: string, q: NotificationsQuery) {
    const where: FilterQuery<Notification> = {
      userId,
      inApp: true,
      ...(q.unread === true && { readAt: null }),
      ...(q.unread === false && { readAt: { $ne: null } }),
      ...(q.cursor && { id: { $lt: q.cursor } }),
    };
    const rows = await this.em.find(Notification, where, { orderBy: { id: 'desc' }, limit: q.limit + 1 });
    return pageOf(rows, q.limit, (r) => r.id, notificationView);
  }

  /** Idempotent; another user's notification is not found. */
  async markRead(userId: string, id: string): Promise<void> {
    const rows = await query<{ id: string }>(
      this.em,
      `update "notification_data"."notification" set "read_at" = coalesce("read_at", now()) where "id" = $1 and "user_id" = $2 and "in_app" returning "id"`,
      [id, userId],
    );
    if (!rows.length) throw new DomainError('NOTIFICATION.NOT_FOUND', 'not_found', `Notification ${id} was not found.`);
  }

  async byId(id: string): Promise<Notification | null> {
    return this.em.fork().findOne(Notification, { id });
  }
}
