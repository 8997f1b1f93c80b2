import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { Dec } from '@alphintra/money';
import { quoteToFill } from '../walkthrough/quote-to-fill';
import { ADMIN, call, eventually, startE2ePlatform, type E2ePlatform } from './platform-e2e';

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
    // the simulated feed trades at any hour here (started by the walkthrough test); the venue fills at any hour on local platforms
    platform = await startE2ePlatform('e2e-stream', 55_481, 19_720, ['gateway', 'auth', 'strategy', 'trading', 'risk', 'broker'], { env: { MARKET_FEED_ALWAYS_OPEN: 'true' } });
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

  it("runs the README's walkthrough: moving quotes on the stream, and a market buy filled at a quoted ask plus the slippage", async () => {
    const admin = String((await call(gw, 'POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken);
    const watcher = await trader('stream-watcher@e2e.test');
    const symbol = String(((await call(gw, 'GET', '/api/v1/instruments?limit=1', { token: watcher.token })).body.items as Record<string, string>[])[0]!.symbol);
    // every quote of the symbol from before the feed starts: the one the venue fills on is among them
    const watching = await openStream(gw, watcher.token);
    watching.send({ action: 'subscribe', quotes: [symbol] });
    expect((await call(gw, 'PUT', '/api/v1/market/feed', { token: admin, body: { mode: 'simulated', seed: 11, speed: 1 } })).status).toBe(200);

    const lines: string[] = [];
    const w = await quoteToFill(gw, (l) => void lines.push(l));
    process.stdout.write(`walkthrough:\n${lines.join('\n')}\n`);
    expect(w.symbol).toBe(symbol);
    expect(w.updates.map((u) => u.event)).toEqual(['pending_new', 'new', 'fill']);
    const quotes = watching.frames.filter((f) => f.stream === 'quote').map((f) => f.data as { ask: string; bid: string; last: string });
    const books = () => new Set(watching.frames.filter((f) => f.stream === 'quote').map((f) => `${String(f.data.bid)}/${String(f.data.ask)}/${String(f.data.last)}`));
    await eventually('the quotes to move', async () => (books().size > 1 ? true : undefined), 60_000);
    // the default slippage is 5 bps: the fill is a quoted ask × 1.0005, not the last trade
    const asks = quotes.map((q) => new Dec(q.ask).times('1.0005').toDecimalPlaces(8));
    expect(asks.some((a) => a.eq(w.fillPrice))).toBe(true);
    watching.close();
    expect((await call(gw, 'PUT', '/api/v1/market/feed', { token: admin, body: { mode: 'off' } })).status).toBe(200);
  }, 180_000);
});
