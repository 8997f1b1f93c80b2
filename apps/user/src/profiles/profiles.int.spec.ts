import { randomUUID } from 'node:crypto';
import { UserRegistered } from '@alphintra/contracts';
import { startUserService, until, type UserServiceFixture } from '../testing/user-service.fixture';

describe('profiles and preferences', () => {
  let f: UserServiceFixture;
  beforeAll(async () => (f = await startUserService()));
  afterAll(() => f?.close());

  const registered = (userId: string, email = `${userId.slice(0, 8)}@example.com`) => ({ userId, email, displayName: 'Ada', roles: ['trader' as const], registeredAt: new Date().toISOString() });

  /** A registered user with a profile, ready for HTTP calls. */
  const newUser = async () => {
    const userId = randomUUID();
    await f.consumed(await f.publish(UserRegistered, userId, registered(userId)));
    return userId;
  };

  it('creates the profile and default preferences from auth.user.registered, and announces the channels', async () => {
    const userId = randomUUID();
    const id = await f.publish(UserRegistered, userId, registered(userId, 'ada@example.com'));
    await until('the profile', async () => (await f.api('GET', '/api/v1/users/me/profile', { as: userId })).status === 200);

    const profile = await f.api('GET', '/api/v1/users/me/profile', { as: userId });
    expect(profile.body).toEqual({ userId, email: 'ada@example.com', displayName: 'Ada', country: null, baseCurrency: 'USD', createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect((await f.api('GET', '/api/v1/users/me/preferences', { as: userId })).body).toMatchObject({ notifications: { inApp: true, email: true, webhookUrl: null } });
    await f.consumed(id);
    const [event] = await f.sql<{ payload: object; event_type: string }>(`select "payload", "event_type" from "user_data"."outbox" where "aggregate_key" = ?`, [userId]);
    expect(event).toEqual({ event_type: 'user.preferences.updated', payload: { userId, email: 'ada@example.com', notifications: { inApp: true, email: true, webhookUrl: null } } });
  });

  it('has no second effect for a redelivered event, nor for another registration event of the same user', async () => {
    const userId = randomUUID();
    const first = await f.publish(UserRegistered, userId, registered(userId));
    await f.consumed(first);
    await f.publish(UserRegistered, userId, { ...registered(userId), displayName: 'Changed' }, { id: first });
    // Same key, same partition: once this one is in, the duplicate before it was handled too.
    const second = await f.publish(UserRegistered, userId, { ...registered(userId), displayName: 'Other' });
    await f.consumed(second);

    const count = async (table: string, column = 'user_id') => (await f.sql(`select 1 from "user_data"."${table}" where "${column}" = ?`, [userId])).length;
    expect(await count('profile')).toBe(1);
    expect(await count('preferences')).toBe(1);
    expect(await count('outbox', 'aggregate_key')).toBe(1);
    expect((await f.sql<{ event_id: string }>(`select "event_id" from "user_data"."inbox" where "event_id" in (?, ?)`, [first, second])).length).toBe(2);
    expect((await f.api('GET', '/api/v1/users/me/profile', { as: userId })).body.displayName).toBe('Ada');
  });

  it('answers 404 problem+json while the registration event has not arrived', async () => {
    const stranger = randomUUID();
    for (const [method, path, body] of [
      ['GET', '/api/v1/users/me/profile'],
      ['PATCH', '/api/v1/users/me/profile', { country: 'DE' }],
      ['GET', '/api/v1/users/me/preferences'],
      ['PUT', '/api/v1/users/me/preferences', { notifications: { inApp: true, email: false, webhookUrl: null } }],
    ] as const) {
      const r = await f.api(method, path, { as: stranger, body });
      expect(r.status).toBe(404);
      expect(r.contentType).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({ status: 404, code: 'PROFILE.NOT_FOUND' });
    }
  });

  it('changes the profile, normalising country and currency codes', async () => {
    const userId = await newUser();
    const r = await f.api('PATCH', '/api/v1/users/me/profile', { as: userId, body: { displayName: '  Grace ', country: 'de', baseCurrency: 'eur' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ userId, displayName: 'Grace', country: 'DE', baseCurrency: 'EUR' });
    const partial = await f.api('PATCH', '/api/v1/users/me/profile', { as: userId, body: { country: null } });
    expect(partial.body).toMatchObject({ displayName: 'Grace', country: null, baseCurrency: 'EUR' });
  });

  it('replaces preferences and emits user.preferences.updated with the e-mail from the profile, through the outbox', async () => {
    const userId = await newUser();
    // a public address, never contacted here: names need DNS, which the test machines lack (ADR 0004)
    const notifications = { inApp: false, email: true, webhookUrl: 'https://93.184.215.14/alphintra' };
    const r = await f.api('PUT', '/api/v1/users/me/preferences', { as: userId, body: { notifications } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ notifications });
    expect((await f.api('GET', '/api/v1/users/me/preferences', { as: userId })).body).toMatchObject({ notifications });

    const events = await f.sql<{ payload: { email: string; notifications: object } }>(`select "payload" from "user_data"."outbox" where "aggregate_key" = ? order by "id"`, [userId]);
    expect(events.map((e) => e.payload.notifications)).toEqual([{ inApp: true, email: true, webhookUrl: null }, notifications]);
    expect(events[1]!.payload.email).toBe(`${userId.slice(0, 8)}@example.com`);
    await until('the relay to publish it', async () => (await f.sql(`select 1 from "user_data"."outbox" where "aggregate_key" = ? and "sent_at" is null`, [userId])).length === 0);
  });

  it('refuses a caller without a valid access token, while probes need none', async () => {
    const r = await f.api('GET', '/api/v1/users/me/profile');
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ code: 'AUTH.INVALID_TOKEN' });
    expect((await f.api('GET', '/health/ready')).status).toBe(200);
  });

  describe('bad input: 400 (or 422 for a refused webhook URL) naming the field, nothing written', () => {
    let userId: string;
    beforeAll(async () => (userId = await newUser()));

    it.each([
      ['PATCH', '/api/v1/users/me/profile', { country: 'XX' }, 'country'],
      ['PATCH', '/api/v1/users/me/profile', { country: 'DEU' }, 'country'],
      ['PATCH', '/api/v1/users/me/profile', { baseCurrency: 'EURO' }, 'baseCurrency'],
      ['PATCH', '/api/v1/users/me/profile', { baseCurrency: 'XYZ' }, 'baseCurrency'],
      ['PATCH', '/api/v1/users/me/profile', { displayName: '' }, 'displayName'],
      ['PATCH', '/api/v1/users/me/profile', { displayName: 'x'.repeat(101) }, 'displayName'],
      ['PATCH', '/api/v1/users/me/profile', { email: 'new@example.com' }, '(body)'],
      ['PATCH', '/api/v1/users/me/profile', {}, '(body)'],
      ['PUT', '/api/v1/users/me/preferences', {}, 'notifications'],
      ['PUT', '/api/v1/users/me/preferences', { notifications: { inApp: 'yes', email: true } }, 'notifications.inApp'],
      ['PUT', '/api/v1/users/me/preferences', { notifications: { inApp: true } }, 'notifications.email'],
      ['PUT', '/api/v1/users/me/preferences', { notifications: { inApp: true, email: true, webhookUrl: 'ftp://example.com/x' } }, 'notifications.webhookUrl'],
      ['PUT', '/api/v1/users/me/preferences', { notifications: { inApp: true, email: true, webhookUrl: 'not a url' } }, 'notifications.webhookUrl'],
    ])('%s %s %j → 400 naming %s', async (method, path, body, field) => {
      const before = await f.snapshot();
      const r = await f.api(method, path, { as: userId, body });
      expect(r.status).toBe(400);
      expect(r.contentType).toMatch(/^application\/problem\+json/);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(field);
      expect(await f.snapshot()).toEqual(before);
    });

    it.each([
      ['http://93.184.215.14/hook', 'must be an https URL'],
      ['https://127.0.0.1:8443/hook', '127.0.0.1 is in the loopback range'],
      ['https://10.0.0.8/hook', '10.0.0.8 is in the private range'],
      ['https://[fd00::1]/hook', 'fd00::1 is in the uniqueLocal range'],
      ['https://[::ffff:192.168.0.1]/hook', '::ffff:c0a8:1 is in the private range'],
      ['https://169.254.169.254/latest/meta-data/', '169.254.169.254 is in the linkLocal range'],
      ['https://localhost/hook', 'localhost is a local name'],
      ['https://hooks.invalid/hook', 'hooks.invalid does not resolve'],
    ])('PUT preferences with webhook %s → 422 naming notifications.webhookUrl (%s), nothing written', async (webhookUrl, reason) => {
      const before = await f.snapshot();
      const r = await f.api('PUT', '/api/v1/users/me/preferences', { as: userId, body: { notifications: { inApp: true, email: true, webhookUrl } } });
      expect(r.status).toBe(422);
      expect(r.contentType).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({ code: 'PREFERENCES.WEBHOOK_URL_REFUSED', errors: [{ path: 'notifications.webhookUrl', message: reason }] });
      expect(await f.snapshot()).toEqual(before);
    });

    it('answers malformed JSON with 400', async () => {
      const r = await fetch(`${f.svc.url}/api/v1/users/me/profile`, { method: 'PATCH', headers: { authorization: f.bearer(userId), 'content-type': 'application/json' }, body: '{"country":' });
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });
  });
});
