import { randomUUID } from 'node:crypto';
import { AuthTestService } from '../testing/auth-test-service';

/** One hash at a time and no queue, so that a few simultaneous requests are enough to pass the limit. */
describe('password hashing at its limit: 503 with Retry-After on login and registration', () => {
  let auth: AuthTestService;
  beforeAll(async () => {
    auth = await AuthTestService.start({ AUTH_PASSWORD_HASH_CONCURRENCY: '1', AUTH_PASSWORD_HASH_QUEUE: '0' });
  });
  afterAll(() => auth?.close());

  const expectBusy = (r: { status: number; headers: Headers; body: Record<string, unknown> }) => {
    expect(r.status).toBe(503);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(r.body).toMatchObject({ status: 503, code: 'AUTH.PASSWORD_HASHING_BUSY' });
  };

  it('refuses the logins beyond the limit with 503 + Retry-After; they count as no failed attempt, and the others succeed', async () => {
    const { email, password } = await auth.newUser();
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => auth.post('/login', { email, password }, { ip: `198.51.100.${i + 1}` })));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    for (const r of replies.filter((x) => x.status === 503)) expectBusy(r);
    // a refused attempt is not left behind as a failed login (nor does a success leave one)
    expect(await auth.query('select 1 from "auth_data"."login_failure" where "email" = ?', [email])).toEqual([]);
    // once the burst is over, the same login works
    await expect(auth.login(email, password)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('refuses the registrations beyond the limit with 503 + Retry-After, creating no account for them', async () => {
    const emails = Array.from({ length: 6 }, () => `busy-${randomUUID()}@example.com`);
    const replies = await Promise.all(emails.map((email) => auth.post('/register', { email, password: 'correct horse battery' })));
    expect(replies.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(1);
    const busy = replies.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    for (const r of busy) expectBusy(r);
    const created = await auth.query<{ email: string }>(`select "email" from "auth_data"."user_account" where "email" in (${emails.map(() => '?').join(', ')})`, emails);
    expect(created.length).toBe(replies.filter((r) => r.status === 201).length);
  });

  it('documents the 503 of both routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${auth.svc.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>> };
    for (const path of ['/api/v1/auth/login', '/api/v1/auth/register']) {
      expect(doc.paths[path]!.post!.responses['503']!.description).toMatch(/AUTH\.PASSWORD_HASHING_BUSY.*Retry-After/);
    }
  });
});
