import { ADMIN, call, eventually, startE2ePlatform, type E2ePlatform } from './platform-e2e';

const password = 'correct horse battery staple';

describe('identity, watchlists and market data through the gateway', () => {
  let platform: E2ePlatform;
  let gw: string;
  const login = async (email: string, pw = password) => (await call(gw, 'POST', '/api/v1/auth/login', { body: { email, password: pw } })).body as { accessToken: string; refreshToken: string };

  beforeAll(async () => {
    platform = await startE2ePlatform('e2e-identity', 55_443, 19_080, ['gateway', 'auth', 'user', 'strategy']);
    gw = platform.url;
  }, 300_000); // the platform starts slower while CI runs other projects beside it
  afterAll(() => platform?.stop());

  it('registers, logs in, rotates refresh tokens, detects reuse and logs out', async () => {
    const reg = await call(gw, 'POST', '/api/v1/auth/register', { body: { email: 'alice@e2e.test', password, displayName: 'Alice' } });
    expect(reg.status).toBe(201);
    expect((await call(gw, 'POST', '/api/v1/auth/register', { body: { email: 'ALICE@e2e.test', password } })).status).toBe(409);
    const weak = await call(gw, 'POST', '/api/v1/auth/register', { body: { email: 'weak@e2e.test', password: 'short' } });
    expect(weak.status).toBe(400);
    expect(weak.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(weak.body.errors).toEqual([expect.objectContaining({ path: 'password' })]);

    const first = await login('alice@e2e.test');
    const me = await call(gw, 'GET', '/api/v1/auth/me', { token: first.accessToken });
    expect(me.body).toEqual({ userId: reg.body.userId, email: 'alice@e2e.test', roles: ['trader'] });

    const second = (await call(gw, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } })).body as { refreshToken: string };
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await new Promise((r) => setTimeout(r, 2500)); // past the grace window for racing refreshes
    expect((await call(gw, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: first.refreshToken } })).status).toBe(401);
    expect((await call(gw, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: second.refreshToken } })).status).toBe(401); // family revoked

    const third = await login('alice@e2e.test');
    expect((await call(gw, 'POST', '/api/v1/auth/logout', { body: { refreshToken: third.refreshToken } })).status).toBe(204);
    expect((await call(gw, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: third.refreshToken } })).status).toBe(401);
    expect((await call(gw, 'GET', '/api/v1/auth/me')).status).toBe(401);
  });

  it('ends a logged-out token and a removed role within seconds at the gateway; the refreshed token gets 403 from the service', async () => {
    const reg = await call(gw, 'POST', '/api/v1/auth/register', { body: { email: 'carol@e2e.test', password } });
    const root = (await login(ADMIN.email, ADMIN.password)).accessToken;
    expect((await call(gw, 'PUT', `/api/v1/auth/users/${reg.body.userId}/roles`, { token: root, body: { roles: ['trader', 'admin'] } })).status).toBe(200);

    const gone = await login('carol@e2e.test');
    expect((await call(gw, 'GET', '/api/v1/users/me/profile', { token: gone.accessToken })).status).toBe(200);
    expect((await call(gw, 'POST', '/api/v1/auth/logout', { body: { refreshToken: gone.refreshToken } })).status).toBe(204);
    await eventually('the logged-out token refused', async () => ((await call(gw, 'GET', '/api/v1/users/me/profile', { token: gone.accessToken })).status === 401 ? true : undefined), 10_000);

    const carol = await login('carol@e2e.test');
    const listing = (symbol: string, token: string) =>
      call(gw, 'POST', '/api/v1/instruments', { token, body: { symbol, name: symbol, exchange: 'NASDAQ', sector: 'Technology', industry: 'Software', country: 'US', currency: 'USD', marketCap: '1000' } });
    expect((await listing('CAROLA', carol.accessToken)).status).toBe(201);
    expect((await call(gw, 'PUT', `/api/v1/auth/users/${reg.body.userId}/roles`, { token: root, body: { roles: ['trader'] } })).status).toBe(200);
    await eventually('the token with the removed role refused', async () => ((await call(gw, 'GET', '/api/v1/users/me/profile', { token: carol.accessToken })).status === 401 ? true : undefined), 10_000);
    const refreshed = (await call(gw, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: carol.refreshToken } })).body as { accessToken: string };
    expect((await listing('CAROLB', refreshed.accessToken)).status).toBe(403);
    expect((await call(gw, 'GET', '/api/v1/users/me/profile', { token: refreshed.accessToken })).status).toBe(200);
  });

  it('keeps watchlists per user, refuses unknown symbols, and follows listings and delistings', async () => {
    await call(gw, 'POST', '/api/v1/auth/register', { body: { email: 'bob@e2e.test', password } });
    const alice = (await login('alice@e2e.test')).accessToken;
    const bob = (await login('bob@e2e.test')).accessToken;
    const admin = (await login(ADMIN.email, ADMIN.password)).accessToken;

    const instruments = await call(gw, 'GET', '/api/v1/instruments?limit=5', { token: alice });
    expect(instruments.status).toBe(200);
    const demoSymbol = String(instruments.body.items![0].symbol);

    const list = await call(gw, 'POST', '/api/v1/users/me/watchlists', { token: alice, body: { name: 'Tech' } });
    expect(list.status).toBe(201);
    const items = `/api/v1/users/me/watchlists/${list.body.id}/items`;
    // the user service learns symbols from strategy's events
    await eventually('the demo symbol in the user replica', async () =>
      (await call(gw, 'POST', items, { token: alice, body: { symbol: demoSymbol } })).status === 201 ? true : undefined,
    );
    const unknown = await call(gw, 'POST', items, { token: alice, body: { symbol: 'ZZZZZ' } });
    expect(unknown.status).toBe(422);
    expect((await call(gw, 'GET', `/api/v1/users/me/watchlists/${list.body.id}`, { token: bob })).status).toBe(404);

    const listed = await call(gw, 'POST', '/api/v1/instruments', {
      token: admin,
      body: { symbol: 'NEWCO', name: 'New Co', exchange: 'NASDAQ', sector: 'Technology', industry: 'Software', country: 'US', currency: 'USD', marketCap: '1000000000' },
    });
    expect(listed.status).toBe(201);
    await eventually('NEWCO usable in watchlists', async () => ((await call(gw, 'POST', items, { token: alice, body: { symbol: 'NEWCO' } })).status === 201 ? true : undefined));
    expect((await call(gw, 'DELETE', '/api/v1/instruments/NEWCO', { token: admin })).status).toBe(204);
    const delisted = await eventually('the delisting applied to the watchlist', async () => {
      const w = await call(gw, 'GET', `/api/v1/users/me/watchlists/${list.body.id}`, { token: alice });
      const item = (w.body.items as { symbol: string; status: string }[]).find((i) => i.symbol === 'NEWCO');
      return item?.status === 'delisted' ? item : undefined;
    });
    expect(delisted.status).toBe('delisted');

    expect((await call(gw, 'DELETE', `${items}/${demoSymbol}`, { token: alice })).status).toBe(204);
  });

  it("serves each service's dead-letter admin through the gateway, to admins only", async () => {
    const admin = (await login(ADMIN.email, ADMIN.password)).accessToken;
    const alice = (await login('alice@e2e.test')).accessToken;
    for (const service of ['auth', 'user', 'strategy']) {
      const path = `/api/v1/admin/dead-letters/${service}`;
      expect(await call(gw, 'GET', path, { token: admin })).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
      expect((await call(gw, 'GET', path, { token: alice })).status).toBe(403);
      expect(await call(gw, 'POST', `${path}/redrive`, { token: admin, body: { all: true } })).toMatchObject({ status: 200, body: { redriven: [], alreadyRedriven: [] } });
    }
    expect((await call(gw, 'GET', '/api/v1/admin/dead-letters/payments', { token: admin })).status).toBe(404);
    const doc = await call(gw, 'GET', '/docs/openapi.json');
    expect(Object.keys(doc.body.paths as object)).toEqual(expect.arrayContaining(['/api/v1/admin/dead-letters/user', '/api/v1/admin/dead-letters/user/redrive']));
  });
});
