import { randomUUID } from 'node:crypto';
import { Dec } from '@alphintra/money';
import { call, eventually, type Answer } from './platform-e2e';

export type Item = Record<string, string>;
export const TERMINAL = new Set(['filled', 'rejected', 'cancelled', 'expired']);
/** The 503s ADR 0019 and ADR 0026 document: a client waits Retry-After and sends the same request again. */
export const DOCUMENTED_503 = new Set(['OUTBOX.BACK_PRESSURE', 'DATABASE.UNAVAILABLE', 'DATABASE.TIMEOUT']);

/** Every answer of the run, to find a 5xx that is not a documented 503. */
export class Answers {
  readonly undocumented: string[] = [];
  documented503 = 0;

  note(what: string, status: number, code: unknown): void {
    if (status === 503 && DOCUMENTED_503.has(String(code))) this.documented503++;
    else if (status >= 500) this.undocumented.push(`${what}: ${status} ${String(code)}`);
  }

  async call(gw: string, method: string, path: string, o: { token?: string; body?: unknown } = {}): Promise<Answer> {
    const a = await call(gw, method, path, o);
    this.note(`${method} ${path}`, a.status, a.body.code);
    return a;
  }
}

export async function all(gw: string, path: string, token: string): Promise<Item[]> {
  const items: Item[] = [];
  for (let cursor: string | null = null; ; ) {
    const page = (await call(gw, 'GET', `${path}${path.includes('?') ? '&' : '?'}limit=500${cursor ? `&cursor=${cursor}` : ''}`, { token })).body;
    items.push(...(page.items as Item[]));
    cursor = page.nextCursor as string | null;
    if (!cursor) return items;
  }
}

export interface Placed {
  id: string;
  type: 'market' | 'limit';
  side: 'buy' | 'sell';
  /** When the client first sent it. */
  sentAt: number;
}

/**
 * Sends an order as the API asks clients to: the same Idempotency-Key again after a documented 503
 * or a lost connection, until accepted (202), a sell is refused for want of shares (null), or the deadline.
 */
export async function placeOrder(gw: string, token: string, body: Record<string, unknown>, answers: Answers, deadlineMs = 240_000): Promise<Placed | null> {
  const key = randomUUID();
  const sentAt = Date.now();
  for (;;) {
    try {
      const r = await fetch(`${gw}/api/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      });
      const b = (await r.json()) as Item;
      answers.note('POST /api/v1/orders', r.status, b.code);
      if (r.status === 202 || r.status === 200) return { id: b.id!, type: body.type as Placed['type'], side: body.side as Placed['side'], sentAt };
      if (body.side === 'sell' && r.status === 422 && b.code === 'ORDER.SELL_BEYOND_HOLDINGS') return null;
      if (r.status !== 503) throw new Error(`order refused: ${r.status} ${JSON.stringify(b)}`);
    } catch (e) {
      if ((e as Error).message.startsWith('order refused')) throw e;
    }
    if (Date.now() - sentAt > deadlineMs) throw new Error(`order ${key} never accepted`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * Waits until every order of the account is terminal, then checks its books: each order's executions
 * add up to its filled quantity (never beyond the order), nothing is reserved, each position is the
 * sum of its executions and never short, cash is the deposits minus what the executions cost, and
 * the ledger sums to the cash. Returns the orders and executions for further checks.
 */
export async function balancedBooks(gw: string, token: string, deposit: string, expectedIds: string[]): Promise<{ orders: Item[]; executions: Item[] }> {
  const orders = await eventually('every order terminal', async () => {
    const list = await all(gw, '/api/v1/orders', token);
    return list.every((o) => TERMINAL.has(o.status)) ? list : undefined;
  }, 420_000);
  expect(orders.map((o) => o.id).sort()).toEqual([...expectedIds].sort()); // none lost, none twice
  const executions = await all(gw, '/api/v1/executions', token);
  expect(new Set(executions.map((e) => e.executionId)).size).toBe(executions.length);
  const filled = new Map<string, Dec>();
  for (const e of executions) filled.set(e.orderId, (filled.get(e.orderId) ?? new Dec(0)).plus(e.quantity));
  for (const o of orders) {
    const f = filled.get(o.id) ?? new Dec(0);
    expect({ order: o.id, filled: f.toFixed() }).toEqual({ order: o.id, filled: new Dec(o.filledQuantity).toFixed() });
    expect(f.lte(o.quantity)).toBe(true);
    if (o.status === 'filled') expect(f.eq(o.quantity)).toBe(true);
  }
  const portfolio = (await call(gw, 'GET', '/api/v1/portfolio', { token })).body as { cash: string; reserved: string; positions: Item[] };
  const signed = (e: Item) => new Dec(e.quantity).times(e.side === 'sell' ? -1 : 1);
  const cost = executions.reduce((s, e) => s.plus(signed(e).times(e.price)), new Dec(0));
  expect(new Dec(portfolio.cash).toFixed()).toBe(new Dec(deposit).minus(cost).toFixed());
  expect(new Dec(portfolio.reserved).toFixed()).toBe('0');
  for (const sym of new Set(executions.map((e) => e.symbol))) {
    const held = executions.filter((e) => e.symbol === sym).reduce((s, e) => s.plus(signed(e)), new Dec(0));
    const p = portfolio.positions.find((x) => x.symbol === sym);
    expect({ symbol: sym, quantity: new Dec(p?.quantity ?? 0).toFixed(), available: new Dec(p?.availableQuantity ?? 0).toFixed() }).toEqual({ symbol: sym, quantity: held.toFixed(), available: held.toFixed() });
    expect(held.gte(0)).toBe(true);
  }
  const activities = await all(gw, '/api/v1/account/activities', token);
  expect(activities.filter((a) => a.type === 'fill')).toHaveLength(executions.length);
  expect(activities.reduce((s, a) => s.plus(a.amount), new Dec(0)).toFixed()).toBe(new Dec(portfolio.cash).toFixed());
  return { orders, executions };
}

/** One sample of a Prometheus text exposition, or undefined. */
export async function metric(port: number, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
}

/** Every sample of a metric, by its labels text. */
export async function samples(port: number, name: string): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const out: Record<string, number> = {};
  for (const l of text.split('\n')) if (l.startsWith(`${name}{`)) out[l.slice(name.length, l.lastIndexOf(' '))] = Number(l.slice(l.lastIndexOf(' ') + 1));
  return out;
}
