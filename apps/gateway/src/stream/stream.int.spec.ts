import { randomUUID } from 'node:crypto';
import { OrderFilled, OrderPartiallyFilled, OrderRouted, OrderSubmitted, PositionChanged, QuoteUpdated } from '@alphintra/contracts';
import { FakeRevocationFeed } from '../testing/fake-revocation-feed';
import { HandMadeTokens } from '../testing/hand-made-tokens';
import { StreamEvents } from '../testing/stream-events';
import { StreamSocket } from '../testing/stream-socket';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { CLOSE } from './stream.protocol';

const now = () => new Date().toISOString();
const quote = (symbol: string, bid = '100.00') => ({ symbol, bid, bidSize: '100', ask: '100.10', askSize: '200', last: '100.05', at: now() });
const order = (userId: string, orderId = randomUUID()) => ({ orderId, userId, symbol: 'AAPL', side: 'buy' as const, type: 'market' as const, quantity: '10', limitPrice: null, timeInForce: 'day' as const });
const submitted = (o: ReturnType<typeof order>) => ({ ...o, referencePrice: '100', buyingPower: '9000', submittedAt: now() });
const routed = (o: ReturnType<typeof order>) => ({ ...o, assessmentId: randomUUID(), routedAt: now() });
const filled = (o: ReturnType<typeof order>) => ({ orderId: o.orderId, userId: o.userId, symbol: o.symbol, side: o.side, quantity: o.quantity, avgFillPrice: '100.05', filledAt: now() });
const pick = (o: ReturnType<typeof order>) => ({ orderId: o.orderId, userId: o.userId, symbol: o.symbol });
const positionFill = (o: ReturnType<typeof order>, fillQuantity: string, quantity: string) => ({
  userId: o.userId,
  symbol: o.symbol,
  quantity,
  avgPrice: '100.05',
  realizedPnl: '0',
  changedAt: now(),
  orderId: o.orderId,
  fillQuantity,
});

const closedStreams = async (gw: TestGateway, cause: string): Promise<number> => {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  return Number(new RegExp(`^gateway_stream_closed_total\\{cause="${cause}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
};

describe('gateway: /api/v1/stream over real Kafka', () => {
  let tokens: HandMadeTokens;
  let feed: FakeRevocationFeed;
  let events: StreamEvents;
  let gw: TestGateway;
  const open: StreamSocket[] = [];
  const track = <T extends StreamSocket>(s: T): T => (open.push(s), s);
  const connect = async (token = tokens.token()) => track(await StreamSocket.authorized(gw.url, token));
  const userToken = (userId: string) => tokens.token(tokens.claims({ sub: userId }));

  beforeAll(async () => {
    tokens = await HandMadeTokens.start();
    feed = await FakeRevocationFeed.start();
    events = new StreamEvents();
    await events.start();
    gw = await startTestGateway({
      ...tokens.env,
      ...events.env,
      AUTH_REVOCATIONS_URL: feed.url,
      AUTH_REVOCATION_POLL_MS: '200',
      AUTH_CLOCK_SKEW_SECONDS: '0',
      GATEWAY_STREAM_AUTH_TIMEOUT_MS: '1000',
      GATEWAY_STREAM_MAX_CONNECTIONS_PER_USER: '2',
      GATEWAY_STREAM_MAX_SYMBOLS_PER_USER: '5',
      GATEWAY_STREAM_MAX_BUFFERED_BYTES: '1048576',
      GATEWAY_STREAM_RESUME_PER_USER: '5',
    });
    // the subscriber joins in the background: quotes flow once one sent now comes through
    const probe = await connect();
    await probe.subscribe({ quotes: ['PROBE'] });
    for (let i = 1; !probe.of('quote').length; i++) {
      await events.publishOne(QuoteUpdated, 'PROBE', quote('PROBE', `${i}.5`));
      await probe.next('quote', () => true, 0, 500).catch(() => undefined);
    }
  }, 120_000);

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await gw?.close();
    await events?.close();
    await feed?.close();
    await tokens?.close();
  });

  describe('authentication', () => {
    it('closes a socket that does not authenticate within the timeout, or whose first message is not auth, with 4001', async () => {
      const silent = track(await StreamSocket.open(gw.url));
      expect(await silent.closed).toEqual({ code: CLOSE.unauthorized, reason: 'no auth message within 1000 ms' });
      const eager = track(await StreamSocket.open(gw.url));
      eager.send({ action: 'subscribe', quotes: ['AAPL'] });
      expect((await eager.closed).code).toBe(CLOSE.unauthorized);
    });

    it('refuses an expired token, one signed by another key and one of a revoked session with 4001, as HTTP does', async () => {
      const t = Math.floor(Date.now() / 1000);
      const sid = randomUUID();
      feed.items.push({ sessionId: sid, notBefore: t + 1, expiresAt: t + 900 });
      const stranger = await HandMadeTokens.start();
      const refused = [tokens.token(tokens.claims({ iat: t - 600, exp: t - 60 })), stranger.token(), tokens.token(tokens.claims({ sid, iat: t }))];
      // the revocation is polled every 200 ms: HTTP refuses the revoked token first, then the stream must too
      for (let status = 200; status !== 401; await new Promise((r) => setTimeout(r, 100))) {
        status = (await fetch(`${gw.url}/api/v1/orders`, { headers: { authorization: `Bearer ${refused[2]}` } })).status;
      }
      const closes = await Promise.all(
        refused.map(async (token) => {
          const s = track(await StreamSocket.open(gw.url));
          s.send({ action: 'auth', token });
          return s.closed;
        }),
      );
      await stranger.close();
      expect(closes.map((c) => c.code)).toEqual([CLOSE.unauthorized, CLOSE.unauthorized, CLOSE.unauthorized]);
      expect(closes[2]!.reason).toBe('token has been revoked');
    });

    it('closes an open stream when its session is revoked, and when its token expires unless renewed with a fresh one', async () => {
      const t = Math.floor(Date.now() / 1000);
      const sid = randomUUID();
      const revoked = await connect(tokens.token(tokens.claims({ sid, iat: t })));
      const userId = randomUUID();
      const expiring = await connect(tokens.token(tokens.claims({ sub: userId, iat: t, exp: t + 2 })));
      const renewed = await connect(tokens.token(tokens.claims({ sub: userId, iat: t, exp: t + 2 })));
      renewed.send({ action: 'auth', token: tokens.token(tokens.claims({ sub: userId, iat: t, exp: t + 600 })) });
      await renewed.next('authorized', (d) => d.expiresAt === new Date((t + 600) * 1000).toISOString());

      feed.items.push({ sessionId: sid, notBefore: t + 1, expiresAt: t + 900 });
      expect(await revoked.closed).toEqual({ code: CLOSE.unauthorized, reason: 'token has been revoked' });
      expect(await expiring.closed).toEqual({ code: CLOSE.unauthorized, reason: 'token expired; send auth with a fresh token before it does' });
      expect(await renewed.subscribe({ quotes: ['QREN'] })).toMatchObject({ quotes: ['QREN'] });
      // a token of another user on an open stream is refused
      renewed.send({ action: 'auth', token: tokens.token() });
      expect(await renewed.closed).toEqual({ code: CLOSE.unauthorized, reason: 'a stream speaks for one user; open another for this token' });
    });
  });

  describe('order updates and account', () => {
    it("sends each user the updates of their own orders and positions only, with Alpaca's event names and the event id", async () => {
      const [alice, bob] = [randomUUID(), randomUUID()];
      const a = await connect(userToken(alice));
      const b = await connect(userToken(bob));
      await a.subscribe({ trades: true, account: true });
      await b.subscribe({ trades: true, account: true });
      const [ao, bo] = [order(alice), order(bob)];

      await events.publish(OrderSubmitted, [{ key: bo.orderId, data: submitted(bo) }]);
      const sent = await events.publish(OrderSubmitted, [{ key: ao.orderId, data: submitted(ao) }]);
      await events.publish(OrderRouted, [{ key: ao.orderId, data: routed(ao) }]);
      await events.publish(OrderPartiallyFilled, [
        { key: ao.orderId, data: { ...pick(ao), side: 'buy', fillQuantity: '4', fillPrice: '100', filledQuantity: '4', avgFillPrice: '100', filledAt: now() } },
      ]);
      await events.publish(PositionChanged, [{ key: `${alice}:AAPL`, data: positionFill(ao, '4', '4') }]);
      await events.publish(PositionChanged, [{ key: `${alice}:AAPL`, data: positionFill(ao, '6', '10') }]);
      const last = await events.publishOne(OrderFilled, ao.orderId, filled(ao));
      await a.next('trade_update', (d) => d.eventId === last.id);
      const bobsLast = await events.publishOne(OrderRouted, bo.orderId, routed(bo));
      await b.next('trade_update', (d) => d.eventId === bobsLast.id);

      const updates = a.of('trade_update') as { event: string; eventId: string; order: Record<string, unknown>; fill?: object }[];
      expect(updates.map((u) => [u.event, u.order.status, u.order.filledQuantity])).toEqual([
        ['pending_new', 'pending_risk', undefined],
        ['new', 'routed', undefined],
        ['partial_fill', 'partially_filled', '4'],
        ['fill', 'filled', '10'],
      ]);
      expect(updates[0]).toMatchObject({ eventId: sent[0]!.id, order: { id: ao.orderId, userId: alice, symbol: 'AAPL', side: 'buy', type: 'market', quantity: '10', timeInForce: 'day' } });
      expect(updates[2]!.fill).toEqual({ quantity: '4', price: '100' });
      expect(updates[3]!.order).toMatchObject({ avgFillPrice: '100.05', quantity: '10' });
      expect(a.of('account').map((d) => [d.kind, d.symbol, d.quantity])).toEqual([
        ['position', 'AAPL', '4'],
        ['position', 'AAPL', '10'],
      ]);
      expect(b.of('trade_update').map((d) => [d.event, (d.order as { id: string }).id])).toEqual([
        ['pending_new', bo.orderId],
        ['new', bo.orderId],
      ]);
      expect(b.of('account')).toEqual([]);
    });

    it('replays the order updates after an event id to a reconnecting client, and says so when it no longer holds that id', async () => {
      const userId = randomUUID();
      const first = await connect(userToken(userId));
      await first.subscribe({ trades: true });
      const o = order(userId);
      const [s] = await events.publish(OrderSubmitted, [{ key: o.orderId, data: submitted(o) }]);
      await first.next('trade_update', (d) => d.eventId === s!.id);
      await first.close();

      // while it is away: routed and filled, seen by another connection of the same user
      const watcher = await connect(userToken(userId));
      await watcher.subscribe({ trades: true });
      await events.publishOne(OrderRouted, o.orderId, routed(o));
      const f = await events.publishOne(OrderFilled, o.orderId, filled(o));
      await watcher.next('trade_update', (d) => d.eventId === f.id);
      await watcher.close();

      const back = await connect(userToken(userId));
      await back.subscribe({ since: s!.id });
      expect(await back.next('resume')).toEqual({ since: s!.id, available: true, replayed: 2 });
      await back.next('trade_update', (d) => d.eventId === f.id);
      expect(back.of('trade_update').map((d) => d.event)).toEqual(['new', 'fill']);

      // five updates per user are held: after seven more the first is gone
      const more = order(userId);
      const later = await events.publish(OrderSubmitted, [...Array(7)].map(() => ({ key: more.orderId, data: submitted(more) })));
      await back.next('trade_update', (d) => d.eventId === later[6]!.id);
      const late = await connect(userToken(userId));
      await late.subscribe({ since: s!.id });
      expect(await late.next('resume')).toMatchObject({ since: s!.id, available: false });
      expect(late.of('trade_update')).toEqual([]);
    });
  });

  describe('quotes', () => {
    it('fans a quote out to the subscribers of its symbol only; a new subscriber gets the last quote at once', async () => {
      const x = await connect();
      const y = await connect();
      const z = await connect();
      await x.subscribe({ quotes: ['qaa'] });
      await y.subscribe({ quotes: ['QBB'] });
      expect(await z.subscribe({ quotes: ['QAA', 'QBB'], bars: ['QAA'] })).toEqual({ quotes: ['QAA', 'QBB'], bars: ['QAA'], trades: false, account: false });

      await events.publishOne(QuoteUpdated, 'QAA', quote('QAA', '1'));
      await events.publishOne(QuoteUpdated, 'QBB', quote('QBB', '1'));
      await events.publishOne(QuoteUpdated, 'QBB', quote('QBB', '2'));
      await z.next('quote', (d) => d.symbol === 'QBB' && d.bid === '2');
      await z.next('quote', (d) => d.symbol === 'QAA' && d.bid === '1');
      // QBB reached the gateway before this; had x been sent it, it would come before this one
      await events.publishOne(QuoteUpdated, 'QAA', quote('QAA', '2'));
      await x.next('quote', (d) => d.bid === '2');
      await events.publishOne(QuoteUpdated, 'QBB', quote('QBB', '3'));
      await y.next('quote', (d) => d.bid === '3');

      expect(x.of('quote').map((d) => [d.symbol, d.bid])).toEqual([
        ['QAA', '1'],
        ['QAA', '2'],
      ]);
      expect(y.of('quote').map((d) => [d.symbol, d.bid])).toEqual([
        ['QBB', '1'],
        ['QBB', '2'],
        ['QBB', '3'],
      ]);

      const late = await connect();
      await late.subscribe({ quotes: ['QAA'] });
      expect(await late.next('quote')).toMatchObject({ symbol: 'QAA', bid: '2' });
    });

    it('skips a malformed message and goes on', async () => {
      const s = await connect();
      await s.subscribe({ quotes: ['QMAL'] });
      await events.publishRaw(QuoteUpdated, 'QMAL', '{not json', { ce_specversion: '1.0', ce_id: randomUUID(), ce_type: QuoteUpdated.type });
      const headers = { ce_specversion: '1.0', ce_id: randomUUID(), ce_source: '/test', ce_type: QuoteUpdated.type, ce_subject: 'QMAL', ce_time: now(), ce_dataschema: 'urn:alphintra:event:marketdata.quote.updated:1' };
      await events.publishRaw(QuoteUpdated, 'QMAL', JSON.stringify({ ...quote('QMAL'), bid: 'cheap' }), headers);
      await events.publishOne(QuoteUpdated, 'QMAL', quote('QMAL', '7'));
      expect(await s.next('quote')).toMatchObject({ symbol: 'QMAL', bid: '7' });
    });
  });

  describe('limits', () => {
    it('closes a connection beyond the per-user limit with 4029; the others stay', async () => {
      const userId = randomUUID();
      const kept = [await connect(userToken(userId)), await connect(userToken(userId))];
      const third = track(await StreamSocket.open(gw.url));
      third.send({ action: 'auth', token: userToken(userId) });
      expect(await third.closed).toEqual({ code: CLOSE.tooManyConnections, reason: 'at most 2 stream connections per user' });
      expect(await kept[1]!.subscribe({ quotes: ['QK'] })).toMatchObject({ quotes: ['QK'] });
      await kept[0]!.close();
      await connect(userToken(userId));
    });

    it('closes a subscription beyond the per-user symbol limit, over all of the user\'s connections, with 4030', async () => {
      const userId = randomUUID();
      const one = await connect(userToken(userId));
      const two = await connect(userToken(userId));
      await one.subscribe({ quotes: ['S1', 'S2', 'S3'] });
      await two.subscribe({ quotes: ['S1'], bars: ['S4', 'S5'] });
      two.send({ action: 'subscribe', quotes: ['S6'] });
      expect(await two.closed).toEqual({ code: CLOSE.tooManySymbols, reason: 'at most 5 symbols per user' });
      expect(await one.subscribe({ quotes: ['S4'] })).toMatchObject({ quotes: ['S1', 'S2', 'S3', 'S4'] });
    });

    it('answers a bad message with an error and keeps the stream', async () => {
      const s = await connect();
      s.ws.send('nonsense');
      expect(await s.next('error')).toMatchObject({ code: 'STREAM.BAD_MESSAGE' });
      expect(await s.subscribe({ quotes: ['QOK'] })).toMatchObject({ quotes: ['QOK'] });
    });

    it('drops a client that stops reading (4008) without holding up the others', async () => {
      const slow = await connect();
      const fast = await connect();
      await slow.subscribe({ quotes: ['QSLOW'] });
      await fast.subscribe({ quotes: ['QSLOW'] });
      const dropped = await closedStreams(gw, 'slow_consumer');
      slow.ws.pause();
      // until the kernel's socket buffers and the gateway's bound are full; each round reaches the fast client whole
      for (let round = 1; (await closedStreams(gw, 'slow_consumer')) === dropped; round++) {
        if (round > 60) throw new Error('the slow client was never dropped');
        // 2,000 quotes of about 200 bytes: a round stays below the bound even for a client that reads
        const bids = [...Array(2_000)].map((_, i) => `${round}.${String(i).padStart(4, '0')}1234567890`);
        const from = fast.messages.length;
        await events.publish(QuoteUpdated, bids.map((bid) => ({ key: 'QSLOW', data: quote('QSLOW', bid) })));
        await fast.next('quote', (d) => d.bid === bids.at(-1), from);
      }
      expect(fast.ws.readyState).toBe(fast.ws.OPEN);
      slow.ws.resume();
      expect(await slow.closed).toEqual({ code: CLOSE.slowConsumer, reason: 'slow consumer: more than 1048576 bytes waiting' });
      const bids = fast.of('quote').filter((d) => d.symbol === 'QSLOW').map((d) => d.bid as string);
      expect(new Set(bids).size).toBe(bids.length);
    }, 180_000);
  });

  it('reaps a client that stops answering pings; one that answers stays', async () => {
    const pinging = await startTestGateway({ ...tokens.env, ...events.env, AUTH_REVOCATIONS_URL: feed.url, GATEWAY_STREAM_HEARTBEAT_MS: '300' });
    try {
      const dead = await StreamSocket.authorized(pinging.url, tokens.token(), { autoPong: false });
      const alive = await StreamSocket.authorized(pinging.url, tokens.token());
      expect((await dead.closed).code).toBe(1006);
      expect(await alive.subscribe({ quotes: ['QALIVE'] })).toMatchObject({ quotes: ['QALIVE'] });
      await alive.close();
    } finally {
      await pinging.close();
    }
  });
});
