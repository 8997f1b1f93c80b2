import { AuthTestService, type TokenPairReply } from '../testing/auth-test-service';

const GRACE_SECONDS = 1;
const MAX_DELAY_MS = 400;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sessions: login, refresh rotation, reuse detection, logout', () => {
  let auth: AuthTestService;
  beforeAll(async () => {
    auth = await AuthTestService.start({
      AUTH_REFRESH_REUSE_GRACE_SECONDS: String(GRACE_SECONDS),
      AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS: '8',
      AUTH_LOGIN_MAX_DELAY_MS: String(MAX_DELAY_MS),
    });
  });
  afterAll(() => auth?.close());

  const refresh = (refreshToken: string) => auth.post<TokenPairReply & { code?: string }>('/refresh', { refreshToken });
  const familyRevoked = async (refreshToken: string) => {
    const rows = await auth.query<{ revoked_reason: string | null }>(
      `select f.revoked_reason from "auth_data"."refresh_token_family" f join "auth_data"."refresh_token" t on t.family_id = f.id
       where t.token_hash = encode(sha256(convert_to(?, 'UTF8')), 'hex')`,
      [refreshToken],
    );
    return rows[0]?.revoked_reason ?? null;
  };

  it('register → login → me → refresh rotation → reuse revokes the family → logout', async () => {
    const { userId, email, password } = await auth.newUser();
    const first = await auth.login(email.toUpperCase(), password);
    expect(first).toEqual({ accessToken: expect.any(String), refreshToken: expect.stringMatching(/^[\w-]{43}$/), tokenType: 'Bearer', expiresIn: 900 });

    const me = await auth.call('GET', '/me', { token: first.accessToken });
    expect(me).toMatchObject({ status: 200, body: { userId, email, roles: ['trader'] } });
    expect((await auth.call('GET', '/me')).status).toBe(401);

    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.headers.get('cache-control')).toBe('no-store');
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await auth.call('GET', '/me', { token: second.body.accessToken })).status).toBe(200);
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);

    // only hashes are stored
    const stored = await auth.query<{ token_hash: string }>('select token_hash from "auth_data"."refresh_token"');
    expect(stored.map((r) => r.token_hash)).not.toContain(first.refreshToken);

    await sleep(GRACE_SECONDS * 1000 + 200);
    const reuse = await refresh(first.refreshToken);
    expect(reuse).toMatchObject({ status: 401, body: { code: 'AUTH.INVALID_REFRESH_TOKEN' } });
    expect(await familyRevoked(first.refreshToken)).toBe('reuse_detected');
    expect((await refresh(third.body.refreshToken)).status).toBe(401);
    const audit = await auth.query<{ action: string }>(`select action from "auth_data"."audit_log" where subject_id = ? order by id`, [userId]);
    expect(audit.map((a) => a.action)).toEqual(['user.registered', 'login.succeeded', 'refresh.reuse_detected']);

    const again = await auth.login(email, password);
    const logout = await auth.post('/logout', { refreshToken: again.refreshToken });
    expect(logout.status).toBe(204);
    expect(await familyRevoked(again.refreshToken)).toBe('logout');
    expect((await refresh(again.refreshToken)).status).toBe(401);
    expect((await auth.post('/logout', { refreshToken: again.refreshToken })).status).toBe(204);
    expect((await auth.post('/logout', { refreshToken: 'x'.repeat(43) })).status).toBe(204);
  });

  it('within the grace window a second use is refused without revoking the family; after it, the family is revoked', async () => {
    const { email, password } = await auth.newUser();
    const { refreshToken } = await auth.login(email, password);
    const won = await refresh(refreshToken);
    expect(won.status).toBe(200);

    const raced = await refresh(refreshToken);
    expect(raced.status).toBe(401);
    expect(await familyRevoked(refreshToken)).toBeNull();
    const next = await refresh(won.body.refreshToken);
    expect(next.status).toBe(200);

    await sleep(GRACE_SECONDS * 1000 + 200);
    expect((await refresh(refreshToken)).status).toBe(401);
    expect(await familyRevoked(refreshToken)).toBe('reuse_detected');
    expect((await refresh(next.body.refreshToken)).status).toBe(401);
  });

  it('of concurrent refreshes of one token exactly one succeeds', async () => {
    const { email, password } = await auth.newUser();
    const { refreshToken } = await auth.login(email, password);
    const replies = await Promise.all(Array.from({ length: 8 }, () => refresh(refreshToken)));
    const winners = replies.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(replies.filter((r) => r.status === 401)).toHaveLength(7);
    expect((await refresh(winners[0]!.body.refreshToken)).status).toBe(200);
  });

  it('answers an unknown e-mail and a wrong password alike', async () => {
    const { email } = await auth.newUser();
    const wrong = await auth.post('/login', { email, password: 'not the password at all' }, { ip: '198.51.100.7' });
    const unknown = await auth.post('/login', { email: `nobody-${Date.now()}@example.com`, password: 'not the password at all' }, { ip: '198.51.100.7' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect({ ...wrong.body, instance: undefined }).toEqual({ ...unknown.body, instance: undefined });
    expect(wrong.body).toMatchObject({ code: 'AUTH.INVALID_CREDENTIALS', status: 401 });
  });

  it('throttles an account from one address after 5 failures with 429 and Retry-After; a success clears the account', async () => {
    const { email, password } = await auth.newUser();
    const fail = (ip: string) => auth.post('/login', { email, password: 'wrong password!!' }, { ip });
    for (let i = 0; i < 4; i++) expect((await fail('192.0.2.1')).status).toBe(401);
    await auth.login(email, password, '192.0.2.1');
    for (let i = 0; i < 5; i++) expect((await fail('192.0.2.2')).status).toBe(401);

    const throttled = await fail('192.0.2.2');
    expect(throttled).toMatchObject({ status: 429, body: { code: 'AUTH.LOGIN_THROTTLED', status: 429 } });
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect((await auth.post('/login', { email, password }, { ip: '192.0.2.2' })).status).toBe(429);
  });

  it("does not let a stranger lock the owner out: failures from many addresses only slow the account down, and the owner logs in from theirs", async () => {
    const { email, password } = await auth.newUser();
    for (let i = 0; i < 12; i++) expect((await auth.post('/login', { email, password: 'wrong password!!' }, { ip: `198.18.${i}.1` })).status).toBe(401);
    const started = Date.now();
    const owner = await auth.post('/login', { email, password }, { ip: '192.0.2.77' });
    expect(owner.status).toBe(200);
    // The account's failures made the owner wait (up to AUTH_LOGIN_MAX_DELAY_MS), not fail.
    expect(Date.now() - started).toBeGreaterThanOrEqual(MAX_DELAY_MS - 50);
    const rows = await auth.query<{ n: number }>(`select count(*)::int as n from "auth_data"."login_failure" where email = ? and not account_cleared`, [email]);
    expect(rows[0]!.n).toBe(0);
  });

  it('counts an IPv6 /64 as one address', async () => {
    const { email, password } = await auth.newUser();
    for (let i = 0; i < 5; i++) expect((await auth.post('/login', { email, password: 'wrong password!!' }, { ip: `2001:db8:77:1::${i + 1}` })).status).toBe(401);
    const sameBlock = await auth.post('/login', { email, password }, { ip: '2001:db8:77:1:ffff::9' });
    expect(sameBlock.status).toBe(429);
    expect((await auth.post('/login', { email, password }, { ip: '2001:db8:77:2::1' })).status).toBe(200);
  });

  it('throttles a client address across accounts', async () => {
    const ip = '198.51.100.200';
    for (let i = 0; i < 8; i++) {
      expect((await auth.post('/login', { email: `guess-${i}@example.com`, password: 'wrong password!!' }, { ip })).status).toBe(401);
    }
    const { email, password } = await auth.newUser();
    const blocked = await auth.post('/login', { email, password }, { ip });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await auth.post('/login', { email, password }, { ip: '198.51.100.201' })).status).toBe(200);
  });
});
