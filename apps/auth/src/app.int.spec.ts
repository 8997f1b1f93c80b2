import { AuthTestService } from './testing/auth-test-service';

describe('auth service', () => {
  let auth: AuthTestService;
  beforeAll(async () => (auth = await AuthTestService.start()));
  afterAll(() => auth?.close());

  it('is ready on its own database, as its runtime user', async () => {
    expect((await fetch(`${auth.svc.url}/health/ready`)).status).toBe(200);
    expect(auth.env.database.runtime.user).toBe(`${auth.svc.inst.naming.rolePrefix}auth_service_user`);
  });

  it('needs an access token for /me and answers with problem+json', async () => {
    const r = await auth.call('GET', '/me', { token: 'not-a-token' });
    expect(r).toMatchObject({ status: 401, body: { code: 'AUTH.INVALID_TOKEN' } });
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('documents every auth route, with the request bodies its validation accepts', async () => {
    const doc = (await (await fetch(`${auth.svc.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { required?: string[] } }> } }>> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/api/v1/auth')).sort()).toEqual([
      '/api/v1/auth/.well-known/jwks.json',
      '/api/v1/auth/login',
      '/api/v1/auth/logout',
      '/api/v1/auth/me',
      '/api/v1/auth/refresh',
      '/api/v1/auth/register',
      '/api/v1/auth/users/{userId}/roles',
    ]);
    expect(doc.paths['/api/v1/auth/register']!.post!.requestBody!.content['application/json']!.schema.required).toEqual(['email', 'password']);
  });

  it('keeps an audit trail the runtime user can add to but not rewrite, without secrets', async () => {
    const { email, password } = await auth.newUser('a secret password 42');
    const { refreshToken, accessToken } = await auth.login(email, password);
    await auth.post('/login', { email, password: 'a wrong password 42' });
    await auth.post('/logout', { refreshToken });
    const trail = await auth.query<{ action: string; ip: string; detail: unknown }>(`select action, ip, detail from "auth_data"."audit_log" order by id`);
    expect(trail.map((e) => e.action)).toEqual(['user.registered', 'login.succeeded', 'login.failed', 'logout']);
    expect(trail.every((e) => e.ip === '203.0.113.1')).toBe(true);
    const text = JSON.stringify(trail);
    for (const secret of [password, 'a wrong password 42', refreshToken, accessToken]) expect(text).not.toContain(secret);
    await expect(auth.query(`update "auth_data"."audit_log" set action = 'nothing'`)).rejects.toThrow(/append-only/);
    await expect(auth.query(`delete from "auth_data"."audit_log"`)).rejects.toThrow(/append-only/);
  });
});
