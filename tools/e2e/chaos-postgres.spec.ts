import { createServer, connect, type Server, type Socket } from 'node:net';
import { availablePort } from '@alphintra/devinfra';
import { Dec } from '@alphintra/money';
import { all, Answers, balancedBooks, DOCUMENTED_503, placeOrder, samples, type Item, type Placed } from './chaos-books';
import { ADMIN, call, eventually, startE2ePlatform, type E2ePlatform } from './platform-e2e';

const DEPOSIT = '1000000';
const OUTAGE_MS = 60_000;
/** The pool's acquire timeout (5 s, ADR 0019) and a margin for a loaded machine. */
const QUICK_MS = 7_000;

/**
 * A TCP relay in front of the PostgreSQL cluster, used by one service only. `cut()` closes every
 * connection through it and refuses new ones, as a database host that went away does (the service
 * sees connection resets and refusals); `restore()` listens again. All e2e services share one
 * cluster, so this takes one service's database away without touching the others.
 */
class DatabaseLink {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly port: number,
    private readonly target: number,
  ) {}

  async restore(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: this.target });
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => (client.destroy(), upstream.destroy()));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(this.port, '127.0.0.1', resolve));
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise((r) => server?.close(r));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

/**
 * The broker's database away for 60 s while orders keep coming: the broker's API answers 503
 * within the pool's acquire timeout, every other service answers normally, the broker's consumers
 * wait (nothing is dead-lettered) and resume, and the orders placed meanwhile fill afterwards.
 */
describe('chaos: one service\'s database away for a minute', () => {
  let platform: E2ePlatform;
  let link: DatabaseLink;
  let gw: string;
  let token: string;
  let admin: string;
  let symbols: string[];
  const ids: string[] = [];
  const answers = new Answers();

  beforeAll(async () => {
    const pgPort = await availablePort(55_473);
    link = new DatabaseLink(await availablePort(55_475), pgPort);
    await link.restore();
    platform = await startE2ePlatform('e2e-chaos-postgres', pgPort, 19_620, ['gateway', 'auth', 'strategy', 'trading', 'risk', 'broker'], {
      // orders placed during the outage are minutes old when the broker sees them: let market ones fill too
      env: { BROKER_MARKET_ORDER_MAX_AGE_SECONDS: '600', TRADING_MARKET_ORDER_MAX_AGE_SECONDS: '600', GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000' },
      appEnv: { broker: { BROKER_DATABASE_PORT: String(link.port) } },
    });
    expect(platform.postgres.port).toBe(pgPort);
    gw = platform.url;
    await call(gw, 'POST', '/api/v1/auth/register', { body: { email: 'chaos-pg@e2e.test', password: 'chaos password 123' } });
    token = String((await call(gw, 'POST', '/api/v1/auth/login', { body: { email: 'chaos-pg@e2e.test', password: 'chaos password 123' } })).body.accessToken);
    admin = String((await call(gw, 'POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken);
    expect((await call(gw, 'POST', '/api/v1/portfolio/deposits', { token, body: { amount: DEPOSIT } })).status).toBe(201);
    symbols = ((await call(gw, 'GET', '/api/v1/instruments?limit=2', { token })).body.items as Item[]).map((i) => i.symbol);
    await eventually('the symbols in trading', async () => ((await call(gw, 'GET', '/api/v1/portfolio', { token })).status === 200 ? true : undefined));
    for (const symbol of symbols) ids.push((await placeOrder(gw, token, { symbol, side: 'buy', type: 'market', quantity: '20', timeInForce: 'day' }, answers))!.id);
    await eventually('the shares held', async () => ((await all(gw, '/api/v1/orders', token)).every((o) => o.status === 'filled') ? true : undefined), 120_000);
  }, 600_000);
  afterAll(async () => {
    await platform?.stop();
    await link?.cut();
  });

  it("answers 503 quickly for that service only, pauses its consumers without dead letters, and completes the orders placed meanwhile", async () => {
    const reference = new Map<string, Dec>();
    for (const e of await all(gw, '/api/v1/executions', token)) reference.set(e.symbol, new Dec(e.price));
    const broker = platform.ports.broker;

    await link.cut();
    const cutAt = Date.now();
    const slow: string[] = [];
    const others: string[] = [];
    const duringOutage: Placed[] = [];
    let rounds = 0;
    for (let i = 0; Date.now() - cutAt < OUTAGE_MS - 5_000; i++) {
      const started = Date.now();
      const settings = await call(gw, 'GET', '/api/v1/broker/settings', { token });
      const took = Date.now() - started;
      if (settings.status !== 503 || !DOCUMENTED_503.has(String(settings.body.code)) || settings.headers.get('retry-after') === null || took > QUICK_MS) {
        slow.push(`${settings.status} ${String(settings.body.code)} in ${took} ms`);
      }
      for (const r of [
        await answers.call(gw, 'POST', '/api/v1/auth/login', { body: { email: 'chaos-pg@e2e.test', password: 'chaos password 123' } }),
        await answers.call(gw, 'GET', '/api/v1/portfolio', { token }),
        await answers.call(gw, 'GET', `/api/v1/instruments/${symbols[0]}`, { token }),
        await answers.call(gw, 'GET', '/api/v1/risk/limits', { token }),
      ]) {
        if (r.status !== 200) others.push(`${r.status} ${String(r.body.code)}`);
      }
      const symbol = symbols[i % symbols.length]!;
      const ref = reference.get(symbol)!;
      const body = [
        { side: 'buy', type: 'market', timeInForce: 'day' },
        { side: 'buy', type: 'limit', limitPrice: ref.times('1.05').toFixed(2), timeInForce: 'gtc' },
        { side: 'sell', type: 'market', timeInForce: 'day' },
        { side: 'sell', type: 'limit', limitPrice: ref.times('0.95').toFixed(2), timeInForce: 'gtc' },
      ][i % 4];
      duringOutage.push((await placeOrder(gw, token, { symbol, quantity: '1', ...body }, answers))!);
      rounds++;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const ready = await fetch(`http://127.0.0.1:${broker}/health/ready`);
    expect(ready.status).toBe(503);
    // the orders went through trading and risk and wait at the broker, whose consumer waits for its database
    const waiting = await all(gw, '/api/v1/orders', token);
    expect(duringOutage.filter((p) => waiting.find((o) => o.id === p.id)?.status !== 'routed')).toEqual([]);
    await new Promise((r) => setTimeout(r, Math.max(0, cutAt + OUTAGE_MS - Date.now())));
    await link.restore();

    expect(rounds).toBeGreaterThan(10);
    expect(slow).toEqual([]);
    expect(others).toEqual([]);
    const { orders } = await balancedBooks(gw, token, DEPOSIT, [...ids, ...duringOutage.map((p) => p.id)]);
    expect(duringOutage.filter((p) => orders.find((o) => o.id === p.id)?.status !== 'filled')).toEqual([]);
    await eventually('the broker ready again', async () => ((await fetch(`http://127.0.0.1:${broker}/health/ready`)).status === 200 ? true : undefined));
    expect(Object.entries(await samples(broker, 'events_consumed_total')).filter(([labels]) => labels.includes('dead_lettered'))).toEqual([]);
    const deadLetters = await call(gw, 'GET', '/api/v1/admin/dead-letters/broker', { token: admin });
    expect({ status: deadLetters.status, items: deadLetters.body.items }).toEqual({ status: 200, items: [] });
    expect(answers.undocumented).toEqual([]);
    console.log(`chaos postgres: ${duringOutage.length} orders placed while the broker's database was away, all filled after; ${rounds} rounds of 503s from the broker within ${QUICK_MS} ms`);
  }, 900_000);
});
