import { AuthTestService, type TokenPairReply } from '../testing/auth-test-service';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls until the status is the expected one, for at most `ms`; returns the last status. */
async function statusWithin(ms: number, call: () => Promise<number>, expected: number): Promise<number> {
  let status = await call();
  for (const deadline = Date.now() + ms; status !== expected && Date.now() < deadline; status = await call()) await sleep(200);
  return status;
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('identity lifetime: logout and role changes reach the services verifying tokens within seconds', () => {
  const admin = { email: 'root@example.com', password: 'bootstrap admin password' };
  let auth: AuthTestService;

  beforeAll(async () => {
    auth = await AuthTestService.start({ AUTH_BOOTSTRAP_ADMIN_EMAIL: admin.email, AUTH_BOOTSTRAP_ADMIN_PASSWORD: admin.password, AUTH_REVOCATION_POLL_MS: '500' });
  });
  afterAll(() => auth?.close());
  const me = (token: string) => auth.call('GET', '/me', { token }).then((r) => r.status);

  it('names the session in the access token', async () => {
    const { email, password } = await auth.newUser();
    const { accessToken } = await auth.login(email, password);
    const [family] = await auth.query<{ id: string }>(`select f.id from "auth_data"."refresh_token_family" f join "auth_data"."user_account" u on u.id = f.user_id where u.email = ?`, [email]);
    expect(payloadOf(accessToken)).toMatchObject({ sid: family!.id, iat: expect.any(Number) });
  });

  it('refuses an access token after its logout within a few seconds (auth verifies tokens with platform-auth, as every service does)', async () => {
    const { email, password } = await auth.newUser();
    const { accessToken, refreshToken } = await auth.login(email, password);
    const other = await auth.login(email, password);
    expect(await me(accessToken)).toBe(200);

    expect((await auth.post('/logout', { refreshToken })).status).toBe(204);
    const loggedOut = Date.now();
    expect(await statusWithin(10_000, () => me(accessToken), 401)).toBe(401);
    expect(Date.now() - loggedOut).toBeLessThan(10_000);
    const refused = await auth.call('GET', '/me', { token: accessToken });
    expect(refused.body).toMatchObject({ code: 'AUTH.INVALID_TOKEN', detail: 'token has been revoked' });
    // The user's other login is another session, untouched.
    expect(await me(other.accessToken)).toBe(200);
  });

  it('after a role removal, the old token is refused and the refreshed one gets 403 on the role-protected route', async () => {
    const root = await auth.login(admin.email, admin.password);
    const { userId, email, password } = await auth.newUser();
    const target = await auth.newUser();
    const setRoles = (token: string, id: string, roles: string[]) => auth.call('PUT', `/users/${id}/roles`, { token, body: { roles } }).then((r) => r.status);
    expect(await setRoles(root.accessToken, userId, ['trader', 'admin'])).toBe(200);

    let b = await auth.login(email, password);
    expect(payloadOf(b.accessToken).roles).toEqual(['trader', 'admin']);
    expect(await setRoles(b.accessToken, target.userId, ['trader', 'compliance'])).toBe(200);

    expect(await setRoles(root.accessToken, userId, ['trader'])).toBe(200);
    expect(await statusWithin(10_000, () => setRoles(b.accessToken, target.userId, ['trader']), 401)).toBe(401);

    // The login goes on: a refresh brings a token with the roles the user has now.
    const refreshed = await auth.post<TokenPairReply>('/refresh', { refreshToken: b.refreshToken });
    expect(refreshed.status).toBe(200);
    b = refreshed.body;
    expect(payloadOf(b.accessToken).roles).toEqual(['trader']);
    expect(await me(b.accessToken)).toBe(200);
    expect(await setRoles(b.accessToken, target.userId, ['trader'])).toBe(403);
  });

  it('serves the revoked sessions page by page from a cursor', async () => {
    const feed = (await (await fetch(`${auth.svc.url}/internal/v1/revoked-sessions?after=0`)).json()) as { items: { sessionId: string }[]; cursor: string };
    expect(feed.items.length).toBeGreaterThan(0);
    expect(feed.cursor).toMatch(/^\d+$/);
    const none = (await (await fetch(`${auth.svc.url}/internal/v1/revoked-sessions?after=${feed.cursor}`)).json()) as { items: unknown[] };
    expect(none.items).toEqual([]);
  });
});

describe('identity lifetime: a login ends after AUTH_SESSION_MAX_LIFETIME_SECONDS however often it is refreshed', () => {
  let auth: AuthTestService;
  beforeAll(async () => (auth = await AuthTestService.start({ AUTH_SESSION_MAX_LIFETIME_SECONDS: '5' })));
  afterAll(() => auth?.close());

  it('rotates within the lifetime and refuses the refresh after it', async () => {
    const { email, password } = await auth.newUser();
    let pair = await auth.login(email, password);
    // after the login answered: the family began before this, however slow the password hashing was
    const started = Date.now();
    const rotated = await auth.post<TokenPairReply>('/refresh', { refreshToken: pair.refreshToken });
    expect(rotated.status).toBe(200);
    pair = rotated.body;
    const [ends] = await auth.query<{ ok: boolean }>(
      `select bool_and(t.expires_at <= f.created_at + interval '5 seconds') as ok from "auth_data"."refresh_token" t join "auth_data"."refresh_token_family" f on f.id = t.family_id
       join "auth_data"."user_account" u on u.id = f.user_id where u.email = ?`,
      [email],
    );
    expect(ends!.ok).toBe(true);
    await sleep(Math.max(0, 5_500 - (Date.now() - started)));
    expect((await auth.post('/refresh', { refreshToken: pair.refreshToken })).status).toBe(401);
  });
});
