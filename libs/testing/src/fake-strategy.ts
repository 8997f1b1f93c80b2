import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as strategy received it; compares equal to `{ method, path, authorization, body }` (the query is not an own field). */
export class ReceivedRequest {
  readonly #query: URLSearchParams;

  constructor(
    readonly method: string,
    /** Without the query string. */
    readonly path: string,
    query: URLSearchParams,
    readonly authorization: string | undefined,
    readonly body: unknown,
  ) {
    this.#query = query;
  }

  get query(): URLSearchParams {
    return this.#query;
  }
}

/**
 * Stands in for strategy's published API on 127.0.0.1, for the services that call it: screens,
 * instruments (paged) and filters (user), strategies and backtests (nocode).
 */
export class FakeStrategy {
  received: ReceivedRequest[] = [];
  instruments: object[] = [];
  filters: { numeric: object[]; categorical: object[] } = { numeric: [], categorical: [] };
  pageSize = 2;
  screen: { status: number; body: unknown } = { status: 200, body: { items: [] } };
  strategyIds: string[] = [];
  backtestIds: string[] = [];
  /** `down` drops connections without an answer; `reject` answers backtests 422, `busy` 429. */
  mode: 'up' | 'down' | 'reject' | 'busy' = 'up';

  private constructor(private readonly server: Server) {
    server.on('request', (req, res) => {
      void readBody(req).then((body) => {
        const url = new URL(req.url ?? '/', 'http://strategy');
        this.received.push(new ReceivedRequest(req.method ?? '', url.pathname, url.searchParams, req.headers.authorization, body));
        if (this.mode === 'down') return void req.socket.destroy();
        const [status, answer] = this.answer(req.method ?? '', url);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
  }

  static async start(): Promise<FakeStrategy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeStrategy(server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  requestsTo(path: string): ReceivedRequest[] {
    return this.received.filter((r) => r.path === path);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(method: string, url: URL): [number, unknown] {
    if (method === 'POST' && url.pathname === '/api/v1/screens/run') return [this.screen.status, this.screen.body];
    if (method === 'GET' && url.pathname === '/api/v1/instruments') {
      const from = Number(url.searchParams.get('cursor') ?? 0);
      const to = from + this.pageSize;
      return [200, { items: this.instruments.slice(from, to), nextCursor: to < this.instruments.length ? String(to) : null }];
    }
    const kind = /^\/api\/v1\/filters\/(numeric|categorical)$/.exec(url.pathname)?.[1] as 'numeric' | 'categorical' | undefined;
    if (method === 'GET' && kind) return [200, { items: this.filters[kind], nextCursor: null }];
    if (method === 'POST' && url.pathname === '/api/v1/strategies') {
      const id = randomUUID();
      this.strategyIds.push(id);
      return [201, { id }];
    }
    if (method === 'POST' && url.pathname === '/api/v1/backtests') {
      if (this.mode === 'reject') return [422, { status: 422, detail: 'symbol ZZZZ is not listed' }];
      if (this.mode === 'busy') return [429, { status: 429, code: 'BACKTEST.TOO_MANY_ACTIVE', detail: 'You have 3 backtests queued or running' }];
      const id = randomUUID();
      this.backtestIds.push(id);
      return [202, { id, status: 'queued' }];
    }
    return [404, { type: 'about:blank', title: 'Not found', status: 404, detail: `no route ${method} ${url.pathname}` }];
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? (JSON.parse(text) as unknown) : undefined;
}
