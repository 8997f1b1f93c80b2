import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization?: string;
  body: unknown;
}

/** Stands in for strategy's published API on 127.0.0.1: screens, instruments (paged), filters. */
export class FakeStrategy {
  received: ReceivedRequest[] = [];
  instruments: object[] = [];
  filters: { numeric: object[]; categorical: object[] } = { numeric: [], categorical: [] };
  pageSize = 2;
  screen: { status: number; body: unknown } = { status: 200, body: { items: [] } };
  /** `down` drops connections without an answer. */
  mode: 'up' | 'down' = 'up';

  private constructor(private readonly server: Server) {
    server.on('request', (req, res) => {
      void readBody(req).then((body) => {
        const url = new URL(req.url ?? '/', 'http://strategy');
        this.received.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, body });
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
    return [404, { type: 'about:blank', title: 'Not found', status: 404, detail: `no route ${method} ${url.pathname}` }];
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? (JSON.parse(text) as unknown) : undefined;
}
