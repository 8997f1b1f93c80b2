import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/**
 * The README's walkthrough as code: a new trader subscribes to one symbol's quotes on
 * `/api/v1/stream`, buys it at market over HTTP, and watches the order fill on the quote
 * (the paper venue fills a market buy at the ask plus the account's slippage, ADR 0035).
 */
export interface Walkthrough {
  symbol: string;
  quotes: Quote[];
  updates: { event: string; status: string }[];
  fillPrice: string;
}

export interface Quote {
  symbol: string;
  bid: string;
  ask: string;
  last: string;
  at: string;
}

type Frame = { stream: string; data: Record<string, unknown> & { order?: Record<string, unknown> } };

async function json(r: Response): Promise<Record<string, unknown>> {
  const body = (await r.json()) as Record<string, unknown>;
  if (!r.ok) throw new Error(`${r.status} ${JSON.stringify(body)}`);
  return body;
}

export async function quoteToFill(gateway: string, log: (line: string) => void = () => undefined, timeoutMs = 120_000): Promise<Walkthrough> {
  const post = (path: string, body: unknown, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, body: JSON.stringify(body) });
  const email = `walkthrough-${randomUUID().slice(0, 8)}@example.test`;
  const password = 'walkthrough password 1234';
  await json(await post('/api/v1/auth/register', { email, password }));
  const token = String((await json(await post('/api/v1/auth/login', { email, password }))).accessToken);
  await json(await post('/api/v1/account/deposits', { amount: '100000' }, token));
  const list = await json(await fetch(`${gateway}/api/v1/instruments?limit=1`, { headers: { authorization: `Bearer ${token}` } }));
  const symbol = String((list.items as { symbol: string }[])[0]!.symbol);
  log(`1. registered ${email}, deposited 100000; watching ${symbol}`);

  const ws = new WebSocket(`${gateway.replace(/^http/, 'ws')}/api/v1/stream`);
  const frames: Frame[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (raw) => {
    frames.push(JSON.parse(raw.toString()) as Frame);
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise<never>((_, reject) => ws.once('close', (code, reason) => reject(new Error(`the stream closed: ${code} ${reason.toString()}`))));
  closed.catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  const until = async <T>(what: string, find: () => T | undefined): Promise<T> => {
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await Promise.race([new Promise<void>((r) => (waiters.push(r), setTimeout(r, 500))), closed]);
    }
  };
  try {
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    ws.send(JSON.stringify({ action: 'auth', token }));
    await until('authorization', () => frames.find((f) => f.stream === 'authorized'));
    ws.send(JSON.stringify({ action: 'subscribe', quotes: [symbol], trades: true }));
    await until('subscription', () => frames.find((f) => f.stream === 'subscription'));
    const quotes = () => frames.filter((f) => f.stream === 'quote').map((f) => f.data as unknown as Quote);
    const first = await until('quote', () => quotes()[0]);
    log(`2. quote ${first.symbol}: bid ${first.bid} / ask ${first.ask} (last ${first.last}) at ${first.at}`);

    const placed = await json(
      await post('/api/v1/orders', { symbol, side: 'buy', type: 'market', quantity: '10', timeInForce: 'day' }, token, { 'idempotency-key': randomUUID() }),
    );
    log(`3. placed a market buy of 10 ${symbol}: ${String(placed.id)}`);
    const updates = () => frames.filter((f) => f.stream === 'trade_update' && f.data.order?.id === placed.id).map((f) => f.data);
    const fill = await until('fill', () => updates().find((u) => u.event === 'fill' || u.event === 'rejected' || u.event === 'canceled'));
    for (const u of updates()) log(`   trade_update ${String(u.event)} (${String(u.order?.status)})`);
    if (fill.event !== 'fill') throw new Error(`the order ended ${String(fill.event)}: ${JSON.stringify(fill.order)}`);
    const fillPrice = String(fill.order!.avgFillPrice);
    log(`4. filled at ${fillPrice}; the ask then was ${quotes().at(-1)!.ask}`);
    return { symbol, quotes: quotes(), updates: updates().map((u) => ({ event: String(u.event), status: String(u.order?.status) })), fillPrice };
  } finally {
    ws.close();
  }
}
