import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { Dec } from '@alphintra/money';
import { call, eventually, startE2ePlatform, type E2ePlatform } from './platform-e2e';

interface Frame {
  stream: string;
  data: Record<string, unknown> & { order?: Record<string, unknown> };
}

/** A stream client that keeps what it receives. */
async function openStream(gw: string, token: string): Promise<{ frames: Frame[]; send(m: object): void; closed: Promise<{ code: number; reason: string }>; close(): void }> {
  const ws = new WebSocket(`${gw.replace(/^http/, 'ws')}/api/v1/stream`);
  const frames: Frame[] = [];
  ws.on('message', (raw) => frames.push(JSON.parse(raw.toString()) as Frame));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  const send = (m: object) => ws.send(JSON.stringify(m));
  send({ action: 'auth', token });
  await eventually('authorized', async () => frames.find((f) => f.stream === 'authorized'));
  send({ action: 'subscribe', trades: true, account: true });
  await eventually('the subscription', async () => frames.find((f) => f.stream === 'subscription'));
  return { frames, send, closed, close: () => ws.close() };
}

describe('the stream through the platform', () => {
  let platform: E2ePlatform;
  let gw: string;

  beforeAll(async () => {
    platform = await startE2ePlatform('e2e-stream', 55_481, 19_720, ['gateway', 'auth', 'strategy', 'trading', 'risk', 'broker']);
    gw = platform.url;
    // the gateway joins Kafka in the background; from then on every event reaches the sockets
    await eventually('the gateway stream subscribed', async () => ((await (await fetch(`${gw}/metrics`)).text()).includes('gateway_stream_subscribed 1') ? true : undefined), 60_000);
  }, 300_000);
  afterAll(() => platform?.stop());

  const trader = async (email: string) => {
    const password = 'stream password 1234';
    await call(gw, 'POST', '/api/v1/auth/register', { body: { email, password } });
    const login = (await call(gw, 'POST', '/api/v1/auth/login', { body: { email, password } })).body;
    return { token: String(login.accessToken), refreshToken: String(login.refreshToken) };
  };

  it('shows a market order placed over HTTP as trade_update pending_new, new, fill to its owner only, with the position on account', async () => {
    const alice = await trader('stream-alice@e2e.test');
    const bob = await trader('stream-bob@e2e.test');
    const aliceStream = await openStream(gw, alice.token);
    const bobStream = await openStream(gw, bob.token);
    expect((await call(gw, 'POST', '/api/v1/portfolio/deposits', { token: alice.token, body: { amount: '100000' } })).status).toBe(201);
    const symbol = String(((await call(gw, 'GET', '/api/v1/instruments?limit=1', { token: alice.token })).body.items as Record<string, string>[])[0]!.symbol);

    const placed = await eventually('the symbol known to trading', async () => {
      const r = await fetch(`${gw}/api/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ symbol, side: 'buy', type: 'market', quantity: '3', timeInForce: 'day' }),
      });
      return r.status === 202 ? ((await r.json()) as { id: string }) : undefined;
    });
    const mine = () => aliceStream.frames.filter((f) => f.stream === 'trade_update' && f.data.order?.id === placed.id);
    await eventually('the fill on the stream', async () => mine().find((f) => f.data.event === 'fill'), 60_000);

    expect(mine().map((f) => [f.data.event, f.data.order!.status])).toEqual([
      ['pending_new', 'pending_risk'],
      ['new', 'routed'],
      ['fill', 'filled'],
    ]);
    const order = (await call(gw, 'GET', `/api/v1/orders/${placed.id}`, { token: alice.token })).body;
    const filled = mine()[2]!.data.order!;
    expect(filled).toMatchObject({ symbol, side: 'buy', type: 'market' });
    for (const field of ['quantity', 'filledQuantity', 'avgFillPrice']) expect(new Dec(String(filled[field])).eq(new Dec(String(order[field])))).toBe(true);
    expect(mine().every((f) => typeof f.data.eventId === 'string')).toBe(true);
    await eventually('the position on account', async () => aliceStream.frames.find((f) => f.stream === 'account' && f.data.symbol === symbol && f.data.orderId === placed.id));
    expect(bobStream.frames.filter((f) => ['trade_update', 'account'].includes(f.stream))).toEqual([]);

    // a reconnecting client asks for what came after the first update
    const again = await openStream(gw, alice.token);
    again.send({ action: 'subscribe', since: mine()[0]!.data.eventId });
    await eventually('the replay', async () => again.frames.filter((f) => f.stream === 'trade_update').length >= 2 || undefined);
    expect(again.frames.find((f) => f.stream === 'resume')?.data).toMatchObject({ available: true, replayed: 2 });
    again.close();

    // logging out revokes the session: its stream ends within seconds
    expect((await call(gw, 'POST', '/api/v1/auth/logout', { body: { refreshToken: alice.refreshToken } })).status).toBe(204);
    expect(await aliceStream.closed).toEqual({ code: 4001, reason: 'token has been revoked' });
    bobStream.close();
  }, 180_000);
});
