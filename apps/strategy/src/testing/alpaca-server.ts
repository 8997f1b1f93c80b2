import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

type Channel = 'trades' | 'quotes' | 'bars';
const CHANNELS: Channel[] = ['trades', 'quotes', 'bars'];
const CHANNEL_OF: Record<string, Channel> = { t: 'trades', q: 'quotes', b: 'bars' };

interface Client {
  ws: WebSocket;
  authed: boolean;
  subs: Record<Channel, Set<string>>;
}

export interface RestBar {
  t: string;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  n?: number;
  vw?: number;
}

/**
 * A loopback stand-in for Alpaca's market data API v2, written from its documented protocol: the
 * stream at `/v2/{iex|sip}` (connected → auth → subscribe → data arrays; errors 400, 401, 402,
 * 404, 406 as JSON messages) and `GET /v2/stocks/{symbol}/bars` with `page_token` paging. One
 * authenticated connection per key at a time, as Alpaca allows on most plans (a second gets 406).
 * Never run against, or compared with, the real service.
 */
export class AlpacaTestServer {
  readonly clients = new Set<Client>();
  /** Every control message a client sent (auth messages with the secret replaced). */
  readonly received: Record<string, unknown>[] = [];
  readonly restRequests: { symbol: string; query: Record<string, string>; key: string | undefined }[] = [];
  /** Bars served over REST, per symbol, oldest first. */
  readonly bars = new Map<string, RestBar[]>();
  connections = 0;
  /** The next this-many successful auths answer 406 connection limit exceeded and close. */
  refuseWithLimit = 0;
  /** REST answers at most this many bars a page, whatever `limit` asks. */
  pageSize = 10_000;

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    private readonly creds: { key: string; secret: string },
    private readonly authTimeoutMs: number,
  ) {}

  static async start(creds: { key: string; secret: string }, o: { authTimeoutMs?: number } = {}): Promise<AlpacaTestServer> {
    const wss = new WebSocketServer({ noServer: true });
    const http = createServer();
    const server = new AlpacaTestServer(http, wss, creds, o.authTimeoutMs ?? 10_000);
    http.on('request', (req, res) => server.rest(req, res));
    http.on('upgrade', (req, socket, head) => {
      if (!/^\/v2\/(iex|sip)$/.test(req.url ?? '')) return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      wss.handleUpgrade(req, socket, head, (ws) => server.accept(ws));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return server;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }
  get streamUrl(): string {
    return `ws://127.0.0.1:${this.port}/v2`;
  }
  get dataUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Symbols each open authenticated connection is subscribed to, per channel. */
  subscriptions(): Record<Channel, string[]>[] {
    return [...this.clients].filter((c) => c.authed).map((c) => Object.fromEntries(CHANNELS.map((ch) => [ch, [...c.subs[ch]].sort()])) as Record<Channel, string[]>);
  }

  /** Sends data messages (`T` t, q or b) to the connections subscribed to their symbol and channel, as one array. */
  publish(messages: ({ T: 't' | 'q' | 'b'; S: string } & Record<string, unknown>)[]): void {
    for (const c of this.clients) {
      const mine = messages.filter((m) => c.authed && c.subs[CHANNEL_OF[m.T]!].has(m.S));
      if (mine.length) c.ws.send(JSON.stringify(mine));
    }
  }

  /** Drops every connection without a close frame, as a network failure would. */
  dropAll(): void {
    for (const c of this.clients) c.ws.terminate();
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    this.connections++;
    const client: Client = { ws, authed: false, subs: { trades: new Set(), quotes: new Set(), bars: new Set() } };
    this.clients.add(client);
    const send = (m: object) => ws.send(JSON.stringify([m]));
    const fail = (code: number, msg: string) => {
      send({ T: 'error', code, msg });
      ws.close();
    };
    const authTimer = setTimeout(() => !client.authed && fail(404, 'auth timeout'), this.authTimeoutMs);
    ws.on('close', () => {
      clearTimeout(authTimer);
      this.clients.delete(client);
    });
    ws.on('message', (raw) => {
      let m: { action?: string; key?: string; secret?: string } & Partial<Record<Channel, unknown>>;
      try {
        m = JSON.parse(raw.toString());
      } catch {
        return send({ T: 'error', code: 400, msg: 'invalid syntax' });
      }
      this.received.push(m.action === 'auth' ? { ...m, secret: m.secret === undefined ? undefined : '***' } : m);
      if (m.action === 'auth') {
        if (client.authed) return send({ T: 'error', code: 403, msg: 'already authenticated' });
        if (m.key !== this.creds.key || m.secret !== this.creds.secret) return fail(402, 'auth failed');
        if (this.refuseWithLimit > 0 || [...this.clients].some((c) => c.authed)) {
          this.refuseWithLimit = Math.max(0, this.refuseWithLimit - 1);
          return fail(406, 'connection limit exceeded');
        }
        client.authed = true;
        clearTimeout(authTimer);
        return send({ T: 'success', msg: 'authenticated' });
      }
      if (!client.authed) return send({ T: 'error', code: 401, msg: 'not authenticated' });
      if (m.action !== 'subscribe' && m.action !== 'unsubscribe') return send({ T: 'error', code: 400, msg: 'invalid syntax' });
      for (const ch of CHANNELS) {
        const list = m[ch];
        if (!Array.isArray(list)) continue;
        for (const s of list) {
          if (m.action === 'subscribe') client.subs[ch].add(String(s));
          else client.subs[ch].delete(String(s));
        }
      }
      send({ T: 'subscription', ...Object.fromEntries(CHANNELS.map((ch) => [ch, [...client.subs[ch]]])), updatedBars: [], dailyBars: [], statuses: [], lulds: [], corrections: [], cancelErrors: [] });
    });
    send({ T: 'success', msg: 'connected' });
  }

  private rest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.dataUrl);
    const match = /^\/v2\/stocks\/([^/]+)\/bars$/.exec(url.pathname);
    const json = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'GET' || !match) return json(404, { message: 'Not Found' });
    const symbol = decodeURIComponent(match[1]!);
    const query = Object.fromEntries(url.searchParams);
    const key = req.headers['apca-api-key-id'] as string | undefined;
    this.restRequests.push({ symbol, query, key });
    if (key !== this.creds.key || req.headers['apca-api-secret-key'] !== this.creds.secret) return json(403, { message: 'forbidden.' });
    if (query.timeframe !== '1Min') return json(422, { message: 'invalid timeframe' });
    const start = Date.parse(query.start ?? '');
    const end = query.end ? Date.parse(query.end) : Infinity;
    const inRange = (this.bars.get(symbol) ?? []).filter((b) => Date.parse(b.t) >= start && Date.parse(b.t) <= end);
    const from = query.page_token ? Number(Buffer.from(query.page_token, 'base64').toString()) : 0;
    const size = Math.min(this.pageSize, Number(query.limit ?? 1000));
    const page = inRange.slice(from, from + size);
    const next = from + size < inRange.length ? Buffer.from(String(from + size)).toString('base64') : null;
    json(200, { bars: page.length ? page : null, symbol, next_page_token: next });
  }
}
