import { randomUUID } from 'node:crypto';
import { Dec } from '@alphintra/money';
import { call, eventually, startE2ePlatform, type E2ePlatform } from './platform-e2e';

type Item = Record<string, string>;
const ACCOUNTS = 5;
const ORDERS = 1000;
const CONCURRENCY = 16;
const DEPOSIT = '1000000';
const TERMINAL = new Set(['filled', 'rejected', 'cancelled', 'expired']);

/**
 * 1,000 orders (every fifth a sell of what the account may hold) while trading, risk and broker
 * are each SIGKILLed and restarted once and Kafka is restarted once. Clients retry a failed
 * submission with the same Idempotency-Key, as the API asks them to. Afterwards every order is
 * terminal, none is filled twice, no position went short, nothing stays reserved, and every
 * account's books balance against its executions and its ledger.
 */
describe('the order saga under faults', () => {
  let platform: E2ePlatform;
  let gw: string;
  const accounts: string[] = [];
  let symbols: string[];

  const all = async (path: string, token: string): Promise<Item[]> => {
    const items: Item[] = [];
    for (let cursor: string | null = null; ; ) {
      const page = (await call(gw, 'GET', `${path}${path.includes('?') ? '&' : '?'}limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token })).body;
      items.push(...(page.items as Item[]));
      cursor = page.nextCursor as string | null;
      if (!cursor) return items;
    }
  };

  beforeAll(async () => {
    platform = await startE2ePlatform('e2e-faults', 55_446, 19_380, ['gateway', 'auth', 'strategy', 'trading', 'risk', 'broker'], {
      ownKafkaPort: 59_392,
      // 200 orders per account in about a minute, plus retries: above the gateway's default per-caller limit
      env: { RISK_DEFAULT_MAX_OPEN_ORDERS: '100000', RISK_DEFAULT_MAX_ORDERS_PER_DAY: '100000', GATEWAY_RATE_LIMIT_PER_MINUTE: '1000000' },
    });
    gw = platform.url;
    for (let i = 0; i < ACCOUNTS; i++) {
      const email = `fault${i}@e2e.test`;
      await call(gw, 'POST', '/api/v1/auth/register', { body: { email, password: 'fault password 123' } });
      const token = String((await call(gw, 'POST', '/api/v1/auth/login', { body: { email, password: 'fault password 123' } })).body.accessToken);
      expect((await call(gw, 'POST', '/api/v1/portfolio/deposits', { token, body: { amount: DEPOSIT } })).status).toBe(201);
      accounts.push(token);
    }
    symbols = ((await call(gw, 'GET', '/api/v1/instruments?limit=4', { token: accounts[0] })).body.items as Item[]).map((i) => i.symbol);
    // trading learns the symbols from strategy's events
    await eventually('the symbols in trading', async () => ((await call(gw, 'GET', '/api/v1/portfolio', { token: accounts[0] })).status === 200 ? true : undefined));
  }, 300_000);
  afterAll(() => platform?.stop());

  it('ends every order terminal, fills none twice, and balances every account', async () => {
    const ids: string[][] = accounts.map(() => []);
    let submitted = 0;
    let retries = 0;
    let refusedSells = 0;
    const faults: Promise<void>[] = [];
    const at: [number, () => Promise<void>][] = [
      [150, () => platform.crash('trading')],
      [350, () => platform.crash('risk')],
      [550, () => platform.crash('broker')],
      [750, () => platform.restartKafka()],
    ];
    const submit = async (n: number) => {
      const token = accounts[n % ACCOUNTS];
      const key = randomUUID();
      // every fifth order of each account sells a share of a symbol that account bought before
      const side = Math.floor(n / ACCOUNTS) % 5 === 4 ? 'sell' : 'buy';
      const body = JSON.stringify({ symbol: symbols[n % symbols.length], side, type: 'market', quantity: '1', timeInForce: 'day' });
      const deadline = Date.now() + 180_000;
      for (;;) {
        try {
          const r = await fetch(`${gw}/api/v1/orders`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key }, body });
          if (r.status === 202 || r.status === 200) return void ids[n % ACCOUNTS].push(((await r.json()) as Item).id);
          // a sell of shares not (yet) held or already committed is refused, never shorted
          if (side === 'sell' && r.status === 422 && ((await r.json()) as Item).code === 'ORDER.SELL_BEYOND_HOLDINGS') return void refusedSells++;
          if (r.status < 500) throw new Error(`order ${n} refused: ${r.status} ${await r.text()}`);
        } catch (e) {
          if ((e as Error).message.startsWith(`order ${n} refused`)) throw e;
        }
        if (Date.now() > deadline) throw new Error(`order ${n} never accepted`);
        retries++;
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ORDERS) {
          const n = next++;
          await submit(n);
          submitted++;
          while (at.length && submitted >= at[0][0]) faults.push(at.shift()![1]());
        }
      }),
    );
    await Promise.all(faults);
    expect(new Set(ids.flat()).size + refusedSells).toBe(ORDERS);

    for (const [i, token] of accounts.entries()) {
      const orders = await eventually(`every order of account ${i} terminal`, async () => {
        const list = await all('/api/v1/orders', token);
        return list.filter((o) => ids[i].includes(o.id)).every((o) => TERMINAL.has(o.status)) ? list : undefined;
      }, 300_000);
      const executions = await all('/api/v1/executions', token);
      const filledByOrder = new Map<string, Dec>();
      for (const e of executions) filledByOrder.set(e.orderId, (filledByOrder.get(e.orderId) ?? new Dec(0)).plus(e.quantity));
      for (const o of orders) {
        const filled = filledByOrder.get(o.id) ?? new Dec(0);
        expect({ order: o.id, filled: filled.toFixed(), reported: new Dec(o.filledQuantity).toFixed() }).toEqual({ order: o.id, filled: new Dec(o.filledQuantity).toFixed(), reported: new Dec(o.filledQuantity).toFixed() });
        expect(filled.lte(o.quantity)).toBe(true); // never filled twice
        if (o.status === 'filled') expect(filled.eq(o.quantity)).toBe(true);
      }
      const portfolio = (await call(gw, 'GET', '/api/v1/portfolio', { token })).body as { cash: string; reserved: string; positions: Item[] };
      const signed = (e: Item) => new Dec(e.quantity).times(e.side === 'sell' ? -1 : 1);
      const cost = executions.reduce((s, e) => s.plus(signed(e).times(e.price)), new Dec(0));
      expect(new Dec(portfolio.cash).toFixed()).toBe(new Dec(DEPOSIT).minus(cost).toFixed());
      expect(new Dec(portfolio.reserved).toFixed()).toBe('0'); // every order terminal: nothing held
      for (const sym of symbols) {
        const held = executions.filter((e) => e.symbol === sym).reduce((s, e) => s.plus(signed(e)), new Dec(0));
        const p = portfolio.positions.find((x) => x.symbol === sym);
        expect({ symbol: sym, quantity: new Dec(p?.quantity ?? 0).toFixed(), available: new Dec(p?.availableQuantity ?? 0).toFixed() }).toEqual({ symbol: sym, quantity: held.toFixed(), available: held.toFixed() });
        expect(held.gte(0)).toBe(true); // never short
      }
      const activities = await all('/api/v1/account/activities', token);
      expect(activities.filter((a) => a.type === 'fill')).toHaveLength(executions.length);
      expect(activities.reduce((s, a) => s.plus(a.amount), new Dec(0)).toFixed()).toBe(new Dec(portfolio.cash).toFixed());
    }
    console.log(`fault test: ${ORDERS} orders (${refusedSells} sells refused for want of shares), ${retries} client retries during the faults`);
  }, 900_000);
});
