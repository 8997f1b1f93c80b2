import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { LOGGER, PLATFORM } from '@alphintra/platform-http';
import type { NotificationEnv } from '../env';
import { notificationView, type NotificationView } from './dto/notifications.dto';
import { NotificationsService } from './notifications.service';

/** The channel the insert trigger of `notification` announces on: `<userId>:<notificationId>`. */
export const NEW_NOTIFICATION_CHANNEL = 'notification_data_new';
const RECONNECT_MS = 1000;

type Subscriber = (n: NotificationView) => void;

/**
 * Fans new notifications out to this replica's SSE streams. Whichever replica's consumer stored
 * a notification, PostgreSQL announces it (LISTEN/NOTIFY, after commit) to every replica, and
 * each replica fetches the row for the streams of that user it holds.
 */
@Injectable()
export class NotificationStream implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly closers = new Set<() => void>();
  private client?: Client;
  private stopped = false;
  private retry?: NodeJS.Timeout;

  constructor(
    @Inject(PLATFORM) private readonly platform: { env: NotificationEnv },
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly notifications: NotificationsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  /** Open streams are ended before the HTTP server closes, which would otherwise wait for them. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    for (const close of [...this.closers]) close();
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }

  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Registers a stream; the returned function unregisters it. */
  subscribe(userId: string, onNotification: Subscriber, onClose: () => void): () => void {
    const set = this.subscribers.get(userId) ?? new Set<Subscriber>();
    set.add(onNotification);
    this.subscribers.set(userId, set);
    this.closers.add(onClose);
    return () => {
      set.delete(onNotification);
      if (!set.size) this.subscribers.delete(userId);
      this.closers.delete(onClose);
    };
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const c = new Client({ ...this.platform.env.database.runtime, application_name: 'notification-stream' });
    c.on('error', (e) => {
      this.logger.warn({ err: e }, 'notification stream listener lost its connection; reconnecting');
      if (this.client === c) this.client = undefined;
      void c.end().catch(() => undefined);
      this.scheduleReconnect();
    });
    c.on('notification', (m) => void this.announce(m.payload ?? ''));
    try {
      await c.connect();
      await c.query(`listen "${NEW_NOTIFICATION_CHANNEL}"`);
      this.client = c;
    } catch (e) {
      this.logger.warn({ err: e }, 'notification stream listener could not connect; retrying');
      await c.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, RECONNECT_MS);
  }

  private async announce(payload: string): Promise<void> {
    const [userId, id] = payload.split(':');
    const subs = userId && this.subscribers.get(userId);
    if (!subs || !id) return;
    try {
      const n = await this.notifications.byId(id);
      if (!n || n.userId !== userId) return;
      const view = notificationView(n);
      for (const s of this.subscribers.get(userId) ?? []) s(view);
    } catch (e) {
      this.logger.warn({ err: e, notificationId: id }, 'could not load an announced notification');
    }
  }
}
