import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { AccountStateChanged, BacktestFailed, OrderExpired, OrderFilled, OrderRejected, PreferencesUpdated, UserRegistered } from '@alphintra/contracts';
import { startNotificationService, until, type NotificationServiceFixture } from '../testing/notification-service.fixture';

const SECRET = 'test-webhook-secret-0123456789';
const RETRY_BASE_MS = 40;

interface Hook {
  path: string;
  body: string;
  signature: string;
  receivedAt: number;
}

/** A real HTTP receiver: `/ok` answers 204, `/flaky/<n>` answers 500 n times then 204, `/down` always 500. */
async function startReceiver(): Promise<{ server: Server; url: string; hooks: Hook[] }> {
  const hooks: Hook[] = [];
  const failures = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      hooks.push({ path, body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['x-alphintra-signature'] ?? ''), receivedAt: Date.now() });
      const flaky = /^\/flaky\/(\d+)/.exec(path);
      const seen = (failures.get(path) ?? 0) + 1;
      failures.set(path, seen);
      const fail = path.startsWith('/down') || (flaky !== null && seen <= Number(flaky[1]));
      res.statusCode = fail ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hooks };
}

const verify = (h: Hook) => {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(h.signature);
  if (!m) return false;
  return createHmac('sha256', SECRET).update(`${m[1]}.${h.body}`).digest('hex') === m[2] && Math.abs(Date.now() / 1000 - Number(m[1])) < 300;
};

describe('notification service', () => {
  let f: NotificationServiceFixture;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  const register = async (userId: string, email = `${userId.slice(0, 8)}@example.com`) => {
    const id = await f.publish(UserRegistered, userId, { userId, email, displayName: 'Ann', roles: ['trader'], registeredAt: new Date().toISOString() });
    await f.consumed(id);
    return email;
  };
  const prefs = async (userId: string, notifications: { inApp: boolean; email: boolean; webhookUrl: string | null }, email: string | null = null) =>
    f.consumed(await f.publish(PreferencesUpdated, userId, { userId, email, notifications }));
  const filled = (userId: string, o: { id?: string } = {}) =>
    f.publish(
      OrderFilled,
      randomUUID(),
      { orderId: randomUUID(), userId, symbol: 'AAPL', side: 'buy', quantity: '5', avgFillPrice: '101.25', filledAt: new Date().toISOString() },
      o,
    );
  const deliveries = async (userId: string) => (await f.api('GET', '/api/v1/notifications/deliveries', { as: userId })).body.items as Json[];
  type Json = Record<string, unknown> & { log: { attempt: number; at: string; ok: boolean; error: string | null }[] };

  beforeAll(async () => {
    receiver = await startReceiver();
    f = await startNotificationService({ NOTIFICATION_WEBHOOK_SECRET: SECRET, NOTIFICATION_RETRY_BASE_MS: String(RETRY_BASE_MS), NOTIFICATION_MAX_ATTEMPTS: '4', NOTIFICATION_WORKER_POLL_MS: '50', NOTIFICATION_SSE_HEARTBEAT_MS: '300' });
  });
  afterAll(async () => {
    await f?.close();
    await new Promise((r) => receiver?.server.close(r));
  });

  it('welcomes a registered user in-app and by e-mail over SMTP', async () => {
    const ann = randomUUID();
    const email = await register(ann);
    const list = await f.api('GET', '/api/v1/notifications', { as: ann });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [expect.objectContaining({ kind: 'welcome', title: 'Welcome to Alphintra', readAt: null })], nextCursor: null });
    await until('the welcome e-mail', () => f.smtp.messages.some((m) => m.envelopeTo.includes(email)));
    const mail = f.smtp.messages.find((m) => m.envelopeTo.includes(email))!;
    expect(mail.subject).toBe('Welcome to Alphintra');
    expect(mail.to).toBe(email);
    expect(mail.text).toContain('Hello Ann');
    await until('the e-mail delivery to be sent', async () => (await deliveries(ann))[0]?.status === 'sent');
    expect(await deliveries(ann)).toEqual([expect.objectContaining({ channel: 'email', status: 'sent', attempts: 1, lastError: null, at: expect.any(String) })]);
  });

  it('posts a signed webhook that the receiver can verify', async () => {
    const bob = randomUUID();
    await register(bob);
    await prefs(bob, { inApp: true, email: false, webhookUrl: `${receiver.url}/ok/${bob}` });
    const eventId = await filled(bob);
    await f.consumed(eventId);
    await until('the webhook', () => receiver.hooks.some((h) => h.path === `/ok/${bob}`));
    const hook = receiver.hooks.find((h) => h.path === `/ok/${bob}`)!;
    expect(verify(hook)).toBe(true);
    expect(verify({ ...hook, body: hook.body.replace('101.25', '999') })).toBe(false);
    expect(JSON.parse(hook.body)).toMatchObject({ userId: bob, kind: 'order.filled', data: { avgFillPrice: '101.25', symbol: 'AAPL' } });
    await until('the webhook delivery to be sent', async () => (await deliveries(bob)).some((d) => d.channel === 'webhook' && d.status === 'sent'));
  });

  it('retries a failing webhook with exponential backoff, logging every attempt, until it is sent', async () => {
    const carol = randomUUID();
    await prefs(carol, { inApp: true, email: false, webhookUrl: `${receiver.url}/flaky/2/${carol}` });
    await f.consumed(await filled(carol));
    await until('the delivery to be sent', async () => (await deliveries(carol))[0]?.status === 'sent', 20_000);
    const [d] = await deliveries(carol);
    expect(d).toMatchObject({ channel: 'webhook', status: 'sent', attempts: 3 });
    expect(d!.log.map((a) => [a.attempt, a.ok, a.error])).toEqual([
      [1, false, 'HTTP 500'],
      [2, false, 'HTTP 500'],
      [3, true, null],
    ]);
    const at = receiver.hooks.filter((h) => h.path.endsWith(carol)).map((h) => h.receivedAt);
    expect(at).toHaveLength(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(RETRY_BASE_MS - 5);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS - 5);
  });

  it('gives a delivery up as failed after the last attempt', async () => {
    const dan = randomUUID();
    await prefs(dan, { inApp: false, email: false, webhookUrl: `${receiver.url}/down/${dan}` });
    await f.consumed(await f.publish(BacktestFailed, randomUUID(), { backtestId: randomUUID(), strategyId: randomUUID(), userId: dan, executionId: null, reason: 'no bars', failedAt: new Date().toISOString() }));
    await until('the delivery to fail', async () => (await deliveries(dan))[0]?.status === 'failed', 20_000);
    const [d] = await deliveries(dan);
    expect(d).toMatchObject({ status: 'failed', attempts: 4, lastError: 'HTTP 500' });
    expect(d!.log).toHaveLength(4);
    // inApp off: nothing to list, but the webhook went out
    expect((await f.api('GET', '/api/v1/notifications', { as: dan })).body.items).toEqual([]);
  });

  it('marks a notification read, filters by unread, and hides it from other users', async () => {
    const eve = randomUUID();
    const mallory = randomUUID();
    await f.consumed(await filled(eve));
    await f.consumed(await f.publish(OrderRejected, randomUUID(), { orderId: randomUUID(), userId: eve, symbol: 'MSFT', reasons: ['max_open_orders: 2 open'], rejectedAt: new Date().toISOString() }));
    const all = (await f.api('GET', '/api/v1/notifications', { as: eve })).body.items as { id: string; kind: string }[];
    expect(all.map((n) => n.kind)).toEqual(['order.rejected', 'order.filled']);
    const target = all[1]!.id;

    expect((await f.api('POST', `/api/v1/notifications/${target}/read`, { as: mallory })).status).toBe(404);
    expect((await f.api('POST', `/api/v1/notifications/${randomUUID()}/read`, { as: eve })).status).toBe(404);
    expect((await f.api('POST', `/api/v1/notifications/${target}/read`, { as: eve })).status).toBe(204);
    expect((await f.api('POST', `/api/v1/notifications/${target}/read`, { as: eve })).status).toBe(204);

    const unread = (await f.api('GET', '/api/v1/notifications?unread=true', { as: eve })).body.items as { kind: string }[];
    expect(unread.map((n) => n.kind)).toEqual(['order.rejected']);
    const read = (await f.api('GET', '/api/v1/notifications?unread=false', { as: eve })).body.items as { id: string; readAt: string }[];
    expect(read).toEqual([expect.objectContaining({ id: target, readAt: expect.any(String) })]);
    expect((await f.api('GET', '/api/v1/notifications', { as: mallory })).body.items).toEqual([]);
    expect(await deliveries(mallory)).toEqual([]);
  });

  it('pages the list with limit and cursor', async () => {
    const fay = randomUUID();
    for (let i = 0; i < 3; i++) await f.consumed(await filled(fay));
    const p1 = (await f.api('GET', '/api/v1/notifications?limit=2', { as: fay })).body;
    expect(p1.items).toHaveLength(2);
    const p2 = (await f.api('GET', `/api/v1/notifications?limit=2&cursor=${p1.nextCursor}`, { as: fay })).body;
    expect(p2).toEqual({ items: [expect.anything()], nextCursor: null });
  });

  it('streams a new notification to the caller over Server-Sent Events', async () => {
    const gus = randomUUID();
    const res = await fetch(`${f.svc.url}/api/v1/notifications/stream`, { headers: f.bearer(gus) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const read = async (until: (t: string) => boolean) => {
      const end = Date.now() + 20_000;
      while (!until(text) && Date.now() < end) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
    };
    await read((t) => t.includes(': connected'));
    // Another user's notification does not reach this stream.
    await f.consumed(await filled(randomUUID()));
    await f.consumed(await filled(gus));
    await read((t) => t.includes('event: notification'));
    const frame = text.split('\n\n').find((b) => b.includes('event: notification'))!;
    const data = JSON.parse(/^data: (.*)$/m.exec(frame)![1]!);
    expect(data).toMatchObject({ kind: 'order.filled', data: { userId: gus } });
    expect(frame).toContain(`id: ${data.id}`);
    expect(text.match(/event: notification/g)).toHaveLength(1);
    await read((t) => t.includes(': heartbeat'));
    expect(text).toContain(': heartbeat\n\n');
    await reader.cancel();
  });

  it('ends open streams when the service shuts down', async () => {
    const g = await startNotificationService();
    const res = await fetch(`${g.svc.url}/api/v1/notifications/stream`, { headers: g.bearer(randomUUID()) });
    const body = res.text();
    await g.close();
    await expect(body).resolves.toContain(': connected');
  });

  it('tells the user about an expired order and a halt of their account', async () => {
    const ida = randomUUID();
    const at = new Date().toISOString();
    await f.consumed(await f.publish(OrderExpired, randomUUID(), { orderId: randomUUID(), userId: ida, symbol: 'AAPL', filledQuantity: '3', expiredAt: at }));
    await f.consumed(
      await f.publish(AccountStateChanged, ida, {
        userId: ida,
        state: 'halted',
        previousState: 'active',
        reason: 'daily loss 1200 beyond the limit 1000',
        trigger: 'daily_loss_limit',
        actor: 'risk-service',
        cancelOpenOrders: true,
        flatten: true,
        version: 2,
        at,
      }),
    );
    const items = (await f.api('GET', '/api/v1/notifications', { as: ida })).body.items as { kind: string; title: string; body: string }[];
    expect(items.map((n) => [n.kind, n.title])).toEqual(
      expect.arrayContaining([
        ['order.expired', 'Order expired: AAPL'],
        ['account.halted', 'Trading halted'],
      ]),
    );
    expect(items.find((n) => n.kind === 'account.halted')!.body).toBe(
      'Your account is now halted (was active): daily loss 1200 beyond the limit 1000. Open orders are being cancelled. Positions are being closed at the market.',
    );
    expect(items.find((n) => n.kind === 'order.expired')!.body).toContain('with 3 filled');
  });

  it('makes one notification of a duplicated event', async () => {
    const hal = randomUUID();
    const id = randomUUID();
    await f.consumed(await filled(hal, { id }));
    await filled(hal, { id });
    const marker = await filled(hal);
    await f.consumed(marker);
    await new Promise((r) => setTimeout(r, 300));
    const rows = await f.sql<{ n: string }>(`select count(*)::text as n from "notification_data"."notification" where "source_event_id" = ?`, [id]);
    expect(rows[0]!.n).toBe('1');
    expect((await f.api('GET', '/api/v1/notifications', { as: hal })).body.items).toHaveLength(2);
  });

  it('answers 400 naming the field for bad input, 401 without a token', async () => {
    const ivy = randomUUID();
    const a = await f.api('GET', '/api/v1/notifications?unread=maybe', { as: ivy });
    expect(a.status).toBe(400);
    expect(a.body.errors).toEqual([expect.objectContaining({ path: 'unread' })]);
    const b = await f.api('POST', '/api/v1/notifications/not-a-uuid/read', { as: ivy });
    expect(b.status).toBe(400);
    expect(b.body.errors).toEqual([expect.objectContaining({ path: 'id' })]);
    const c = await f.api('GET', '/api/v1/notifications?limit=0', { as: ivy });
    expect(c.status).toBe(400);
    expect(c.body.errors).toEqual([expect.objectContaining({ path: 'limit' })]);
    expect((await f.api('GET', '/api/v1/notifications')).status).toBe(401);
    expect((await fetch(`${f.svc.url}/api/v1/notifications/stream`)).status).toBe(401);
  });
});
