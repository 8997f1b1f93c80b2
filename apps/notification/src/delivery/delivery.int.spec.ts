import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OrderFilled, PreferencesUpdated, UserRegistered } from '@alphintra/contracts';
import { startNotificationService, until, type NotificationServiceFixture } from '../testing/notification-service.fixture';

const RETRY_BASE_MS = 40;
const MAX_ATTEMPTS = 3;

interface Attempt {
  attempt: number;
  at: string;
  ok: boolean;
  error: string | null;
}
interface DeliveryView {
  channel: string;
  status: string;
  attempts: number;
  lastError: string | null;
  log: Attempt[];
}

/** A fixture's user: registered (e-mail channel on), able to receive fills. */
function actor(f: () => NotificationServiceFixture) {
  const deliveries = async (userId: string) => (await f().api('GET', '/api/v1/notifications/deliveries', { as: userId })).body.items as DeliveryView[];
  return {
    deliveries,
    settled: (userId: string, channel: string) =>
      until(`the ${channel} delivery of ${userId} to settle`, async () => ['sent', 'failed'].includes((await deliveries(userId)).find((d) => d.channel === channel)?.status ?? ''), 20_000),
    register: async (userId: string, email: string) => f().consumed(await f().publish(UserRegistered, userId, { userId, email, displayName: 'Ann', roles: ['trader'], registeredAt: new Date().toISOString() })),
    prefs: async (userId: string, notifications: { inApp: boolean; email: boolean; webhookUrl: string | null }) =>
      f().consumed(await f().publish(PreferencesUpdated, userId, { userId, email: null, notifications })),
    fill: async (userId: string) =>
      f().consumed(
        await f().publish(OrderFilled, randomUUID(), { orderId: randomUUID(), userId, symbol: 'MSFT', side: 'sell', quantity: '3', avgFillPrice: '412.5', filledAt: new Date().toISOString() }),
      ),
  };
}

describe('e-mail delivery over SMTP (nodemailer to an smtp-server process)', () => {
  let f: NotificationServiceFixture;
  const a = actor(() => f);

  beforeAll(async () => {
    f = await startNotificationService({ NOTIFICATION_RETRY_BASE_MS: String(RETRY_BASE_MS), NOTIFICATION_MAX_ATTEMPTS: String(MAX_ATTEMPTS), NOTIFICATION_WORKER_POLL_MS: '50' });
  });
  afterAll(() => f?.close());

  it('mails a fill to the user: recipient, sender, subject and body as the SMTP server received them', async () => {
    const ann = randomUUID();
    const email = `ann-${ann.slice(0, 8)}@example.com`;
    await a.register(ann, email);
    await a.prefs(ann, { inApp: false, email: true, webhookUrl: null });
    await a.fill(ann);
    await until('the fill e-mail', () => f.smtp.messages.some((m) => m.envelopeTo.includes(email) && m.subject.startsWith('Order filled')));
    const mail = f.smtp.messages.find((m) => m.envelopeTo.includes(email) && m.subject.startsWith('Order filled'))!;
    expect(mail).toMatchObject({
      envelopeFrom: 'no-reply@alphintra.local',
      envelopeTo: [email],
      from: 'no-reply@alphintra.local',
      to: email,
      subject: 'Order filled: sell 3 MSFT',
      text: 'Your sell order for 3 MSFT was filled at an average price of 412.5.\n',
    });
    await until('both e-mails sent', async () => (await a.deliveries(ann)).filter((d) => d.status === 'sent').length === 2);
    expect((await a.deliveries(ann)).map((d) => [d.channel, d.status, d.attempts, d.lastError])).toEqual([
      ['email', 'sent', 1, null],
      ['email', 'sent', 1, null],
    ]);
  });

  it('retries a refused recipient with exponential backoff, recording every attempt, until the server takes it', async () => {
    const bob = randomUUID();
    const email = `flaky2-${bob.slice(0, 8)}@example.com`;
    await a.register(bob, email); // the welcome e-mail takes the two refusals
    await a.settled(bob, 'email');
    const [d] = await a.deliveries(bob);
    expect(d).toMatchObject({ channel: 'email', status: 'sent', attempts: 3, lastError: null });
    expect(d!.log.map((x) => [x.attempt, x.ok])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(d!.log[0]!.error).toMatch(/451 4\.3\.0 Try again later/);
    const at = d!.log.map((x) => Date.parse(x.at));
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(RETRY_BASE_MS - 5);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS - 5);
    expect(f.smtp.messages.filter((m) => m.envelopeTo.includes(email))).toHaveLength(1);
  });

  it('gives up after the last attempt when the server refuses the credentials, and never records the password', async () => {
    const before = new URL(f.smtp.url()).password;
    f.smtp.changePassword(`rotated-${randomUUID()}`);
    try {
      const cy = randomUUID();
      await a.register(cy, `cy-${cy.slice(0, 8)}@example.com`);
      await a.settled(cy, 'email');
      const [d] = await a.deliveries(cy);
      expect(d).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
      expect(d!.log.map((x) => x.ok)).toEqual(Array(MAX_ATTEMPTS).fill(false));
      for (const x of d!.log) expect(x.error).toMatch(/Invalid login: 535/);
      expect(JSON.stringify(d)).not.toContain(decodeURIComponent(before));
    } finally {
      f.smtp.changePassword(decodeURIComponent(before));
    }
  });
});

describe('webhook delivery under the URL policy (NOTIFICATION_WEBHOOK_ALLOW_PRIVATE off)', () => {
  let f: NotificationServiceFixture;
  let receiver: Server;
  let port: number;
  let hits = 0;
  const a = actor(() => f);

  beforeAll(async () => {
    receiver = createServer((_req, res) => (hits++, res.writeHead(204).end()));
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    port = (receiver.address() as AddressInfo).port;
    f = await startNotificationService({
      NOTIFICATION_WEBHOOK_SECRET: 'policy-test-webhook-secret-0123',
      NOTIFICATION_WEBHOOK_ALLOW_PRIVATE: 'false',
      NOTIFICATION_RETRY_BASE_MS: '20',
      NOTIFICATION_MAX_ATTEMPTS: '2',
      NOTIFICATION_WORKER_POLL_MS: '50',
    });
  });
  afterAll(async () => {
    await f?.close();
    await new Promise((r) => receiver?.close(r));
  });

  it.each([
    [`http://127.0.0.1:PORT/hook`, 'webhook URL must be an https URL'],
    [`https://127.0.0.1:PORT/hook`, 'webhook URL 127.0.0.1 is in the loopback range'],
    [`https://[::1]:PORT/hook`, 'webhook URL ::1 is in the loopback range'],
    [`https://localhost:PORT/hook`, 'webhook URL localhost is a local name'],
    ['https://169.254.169.254/latest/meta-data/', 'webhook URL 169.254.169.254 is in the linkLocal range'],
  ])('refuses to deliver to %s, logging why', async (url, reason) => {
    const dee = randomUUID();
    await a.prefs(dee, { inApp: true, email: false, webhookUrl: url.replace('PORT', String(port)) });
    await a.fill(dee);
    await a.settled(dee, 'webhook');
    const [d] = await a.deliveries(dee);
    expect(d).toMatchObject({ channel: 'webhook', status: 'failed', attempts: 2, lastError: reason });
    expect(d!.log.map((x) => x.error)).toEqual([reason, reason]);
    expect(hits).toBe(0);
  });
});
