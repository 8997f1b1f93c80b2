import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { PreferencesUpdated, type EventData, type UserRegistered } from '@alphintra/contracts';
import { checkWebhookUrl, PLATFORM, WebhookUrlRefused } from '@alphintra/platform-http';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import type { UserEnv } from '../env';
import { notificationsOf, preferencesView, type PreferencesBody } from './dto/preferences.dto';
import { profileView, type ProfileChange } from './dto/profile.dto';
import { DEFAULT_PREFERENCES, Preferences } from './preferences.entity';
import { Profile } from './profile.entity';
import { ProfileNotFoundError, WebhookUrlRefusedError } from './profile.errors';

const DEFAULT_BASE_CURRENCY = 'USD';

@Injectable()
export class ProfilesService {
  constructor(
    private readonly em: EntityManager,
    private readonly outbox: OutboxPublisher,
    @Inject(PLATFORM) private readonly platform: { env: UserEnv },
  ) {}

  /** One profile per user however often the event arrives; notification learns the default channels. */
  async createFromRegistration(u: EventData<typeof UserRegistered>, em: EntityManager): Promise<void> {
    const created = await em.execute<{ user_id: string }[]>(
      `insert into "user_data"."profile" ("user_id", "email", "display_name", "base_currency") values (?, ?, ?, ?)
       on conflict ("user_id") do nothing returning "user_id"`,
      [u.userId, u.email, u.displayName, DEFAULT_BASE_CURRENCY],
      'all',
    );
    if (created.length === 0) return;
    const prefs = em.create(Preferences, { userId: u.userId, ...DEFAULT_PREFERENCES });
    await em.flush();
    await this.outbox.record(em, PreferencesUpdated, u.userId, { userId: u.userId, email: u.email, notifications: notificationsOf(prefs) });
  }

  async profileOf(userId: string) {
    return profileView(await this.find(this.em, userId));
  }

  async changeProfile(userId: string, change: ProfileChange) {
    return this.em.transactional(async (em) => {
      const profile = await this.find(em, userId);
      em.assign(profile, change);
      await em.flush();
      return profileView(profile);
    });
  }

  async preferencesOf(userId: string) {
    await this.find(this.em, userId);
    return preferencesView(await this.em.findOneOrFail(Preferences, userId));
  }

  async replacePreferences(userId: string, body: PreferencesBody) {
    if (body.notifications.webhookUrl) await this.checkWebhookUrl(body.notifications.webhookUrl);
    return this.em.transactional(async (em) => {
      const profile = await this.find(em, userId);
      const { inApp, email, webhookUrl } = body.notifications;
      const prefs = await em.upsert(Preferences, { userId, notifyInApp: inApp, notifyEmail: email, webhookUrl, updatedAt: new Date() });
      await this.outbox.record(em, PreferencesUpdated, userId, { userId, email: profile.email, notifications: notificationsOf(prefs) });
      return preferencesView(prefs);
    });
  }

  /** Resolved here and again by notification at each delivery (ADR 0004). */
  private async checkWebhookUrl(url: string): Promise<void> {
    try {
      await checkWebhookUrl(url, { allowPrivate: this.platform.env.NOTIFICATION_WEBHOOK_ALLOW_PRIVATE });
    } catch (e) {
      if (e instanceof WebhookUrlRefused) throw new WebhookUrlRefusedError(e.message);
      throw e;
    }
  }

  private async find(em: EntityManager, userId: string): Promise<Profile> {
    const profile = await em.findOne(Profile, userId);
    if (!profile) throw new ProfileNotFoundError();
    return profile;
  }
}
