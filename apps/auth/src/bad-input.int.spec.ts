import { AuthTestService } from './testing/auth-test-service';

const password = 'a perfectly fine password';

/** [method, path, body, the field the answer must name]; `:user` is replaced by a real user id. */
const CASES: [string, string, unknown, string][] = [
  ['POST', '/register', undefined, '(body)'],
  ['POST', '/register', { password }, 'email'],
  ['POST', '/register', { email: 'not-an-email', password }, 'email'],
  ['POST', '/register', { email: 'a@example.com', password: 'elevenchars' }, 'password'],
  ['POST', '/register', { email: 'a@example.com', password: 'x'.repeat(129) }, 'password'],
  ['POST', '/register', { email: 'a@example.com', password: 123456789012 }, 'password'],
  ['POST', '/register', { email: 'a@example.com', password, displayName: 'x'.repeat(101) }, 'displayName'],
  ['POST', '/login', { email: 'nobody', password }, 'email'],
  ['POST', '/login', { email: 'a@example.com' }, 'password'],
  ['POST', '/login', { email: 'a@example.com', password: 'x'.repeat(129) }, 'password'],
  ['POST', '/login', [], '(body)'],
  ['POST', '/refresh', {}, 'refreshToken'],
  ['POST', '/refresh', { refreshToken: 'too-short' }, 'refreshToken'],
  ['POST', '/refresh', { refreshToken: `${'a'.repeat(42)}!` }, 'refreshToken'],
  ['POST', '/logout', { refreshToken: 42 }, 'refreshToken'],
  ['POST', '/logout', undefined, '(body)'],
  ['PUT', '/users/not-a-uuid/roles', { roles: ['admin'] }, 'userId'],
  ['PUT', '/users/:user/roles', { roles: [] }, 'roles'],
  ['PUT', '/users/:user/roles', { roles: ['root'] }, 'roles.0'],
  ['PUT', '/users/:user/roles', { roles: 'admin' }, 'roles'],
  ['PUT', '/users/:user/roles', {}, 'roles'],
];

describe('bad input on every endpoint', () => {
  let auth: AuthTestService;
  let adminToken: string;
  let userId: string;
  beforeAll(async () => {
    auth = await AuthTestService.start({ AUTH_BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com', AUTH_BOOTSTRAP_ADMIN_PASSWORD: password });
    adminToken = (await auth.login('admin@example.com', password)).accessToken;
    userId = (await auth.newUser()).userId;
  });
  afterAll(() => auth?.close());

  it.each(CASES.map(([method, path, body, field]) => [method, path, field, body] as const))('%s %s → 400 naming %s, nothing written', async (method, path, field, body) => {
    const before = await auth.rowCounts();
    const r = await auth.call<{ errors: { path: string; message: string }[] }>(method, path.replace(':user', userId), { body, token: adminToken });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({ status: 400, code: 'REQUEST.INVALID' });
    expect(r.body.errors.map((e) => e.path)).toContain(field);
    expect(await auth.rowCounts()).toEqual(before);
  });

  it('answers a body that is not JSON with 400, nothing written', async () => {
    const before = await auth.rowCounts();
    const r = await fetch(`${auth.svc.url}/api/v1/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await auth.rowCounts()).toEqual(before);
  });
});
