import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { UserRegistered, UserRolesChanged } from '@alphintra/contracts';
import { AuthTestService, readEvents } from '../testing/auth-test-service';
import { BootstrapAdmin } from './bootstrap-admin';

const ADMIN = { email: 'Root@Alphintra.Example', password: 'bootstrap admin password' };

describe('accounts: registration, bootstrap admin, roles, events', () => {
  let auth: AuthTestService;
  let topic: Awaited<ReturnType<typeof readEvents>>;
  let adminToken: string;
  beforeAll(async () => {
    auth = await AuthTestService.start({ AUTH_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, AUTH_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password });
    topic = await readEvents(auth.svc.inst.topicPrefix + UserRegistered.topic);
    adminToken = (await auth.login(ADMIN.email, ADMIN.password)).accessToken;
  });
  afterAll(async () => {
    await topic?.stop();
    await auth?.close();
  });

  it('registers with 201 and announces auth.user.registered on Kafka', async () => {
    const r = await auth.post('/register', { email: 'Ada@Example.com', password: 'a long enough password', displayName: 'Ada' });
    expect(r).toMatchObject({ status: 201, body: { userId: expect.any(String), email: 'ada@example.com' } });
    const event = await topic.until((e) => e.type === UserRegistered.type && e.subject === r.body.userId);
    expect(event).toMatchObject({ version: 1, source: '/alphintra/auth' });
    expect(event.data).toEqual({ userId: r.body.userId, email: 'ada@example.com', displayName: 'Ada', roles: ['trader'], registeredAt: expect.any(String) });
    const [row] = await auth.query<{ password_hash: string }>('select password_hash from "auth_data"."user_account" where id = ?', [r.body.userId]);
    expect(row!.password_hash).toMatch(/^scrypt\$17\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  });

  it('answers 409 for an e-mail that exists, whatever its case', async () => {
    const { email } = await auth.newUser();
    const before = await auth.rowCounts();
    const r = await auth.post('/register', { email: email.toUpperCase(), password: 'another long password' });
    expect(r).toMatchObject({ status: 409, body: { code: 'AUTH.EMAIL_TAKEN' } });
    expect(await auth.rowCounts()).toEqual(before);
  });

  it('creates the bootstrap admin once, with its event', async () => {
    expect(jwt.decode(adminToken)).toMatchObject({ roles: ['admin'] });
    const me = await auth.call<{ userId: string }>('GET', '/me', { token: adminToken });
    expect(me.body).toMatchObject({ email: 'root@alphintra.example', roles: ['admin'] });
    await auth.svc.app.get(BootstrapAdmin).onApplicationBootstrap();
    expect(await auth.query('select 1 from "auth_data"."user_account" where email = ?', ['root@alphintra.example'])).toHaveLength(1);
    const event = await topic.until((e) => e.type === UserRegistered.type && e.subject === me.body.userId);
    expect(event.data).toMatchObject({ roles: ['admin'], email: 'root@alphintra.example' });
    expect(topic.events.filter((e) => e.subject === me.body.userId && e.type === UserRegistered.type)).toHaveLength(1);
  });

  it('lets an admin change roles: 200, auth.user.roles-changed, and the next token carries them', async () => {
    const { userId, email, password } = await auth.newUser();
    const { refreshToken } = await auth.login(email, password);
    const r = await auth.call('PUT', `/users/${userId}/roles`, { token: adminToken, body: { roles: ['compliance', 'trader', 'trader'] } });
    expect(r).toMatchObject({ status: 200, body: { userId, roles: ['trader', 'compliance'] } });

    const adminId = (jwt.decode(adminToken) as { sub: string }).sub;
    const event = await topic.until((e) => e.type === UserRolesChanged.type && e.subject === userId);
    expect(event.data).toEqual({ userId, roles: ['trader', 'compliance'], changedBy: adminId });
    const refreshed = await auth.post<{ accessToken: string }>('/refresh', { refreshToken });
    expect(jwt.decode(refreshed.body.accessToken)).toMatchObject({ roles: ['trader', 'compliance'] });
    const [audit] = await auth.query<{ actor_id: string; detail: unknown }>(`select actor_id, detail from "auth_data"."audit_log" where action = 'user.roles_changed' and subject_id = ?`, [userId]);
    expect(audit).toEqual({ actor_id: adminId, detail: { from: ['trader'], to: ['trader', 'compliance'] } });
  });

  it('refuses role changes to a trader (403) and answers 404 for an unknown user', async () => {
    const trader = await auth.newUser();
    const { accessToken } = await auth.login(trader.email, trader.password);
    const before = await auth.rowCounts();
    const forbidden = await auth.call('PUT', `/users/${trader.userId}/roles`, { token: accessToken, body: { roles: ['admin'] } });
    expect(forbidden).toMatchObject({ status: 403, body: { code: 'AUTH.FORBIDDEN' } });
    const unknown = await auth.call('PUT', `/users/${randomUUID()}/roles`, { token: adminToken, body: { roles: ['admin'] } });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'AUTH.USER_NOT_FOUND' } });
    expect((await auth.call('PUT', `/users/${trader.userId}/roles`, { body: { roles: ['admin'] } })).status).toBe(401);
    expect(await auth.rowCounts()).toEqual(before);
  });
});
