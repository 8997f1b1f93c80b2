import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  authorization?: string;
  body: unknown;
}

/** Stands in for strategy's published API on 127.0.0.1: registers strategies, queues backtests. */
export class FakeStrategy {
  received: ReceivedRequest[] = [];
  strategyIds: string[] = [];
  backtestIds: string[] = [];
  /** `down` drops connections without an answer; `reject` answers backtests 422, `busy` 429. */
  mode: 'up' | 'down' | 'reject' | 'busy' = 'up';

  private constructor(private readonly server: Server) {
    server.on('request', (req, res) => {
      void readBody(req).then((body) => {
        this.received.push({ method: req.method ?? '', path: req.url ?? '/', authorization: req.headers.authorization, body });
        if (this.mode === 'down') return void req.socket.destroy();
        const [status, answer] = this.answer(req.method ?? '', req.url ?? '/');
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

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(method: string, path: string): [number, unknown] {
    if (method === 'POST' && path === '/api/v1/strategies') {
      const id = randomUUID();
      this.strategyIds.push(id);
      return [201, { id }];
    }
    if (method === 'POST' && path === '/api/v1/backtests') {
      if (this.mode === 'reject') return [422, { status: 422, detail: 'symbol ZZZZ is not listed' }];
      if (this.mode === 'busy') return [429, { status: 429, code: 'BACKTEST.TOO_MANY_ACTIVE', detail: 'You have 3 backtests queued or running' }];
      const id = randomUUID();
      this.backtestIds.push(id);
      return [202, { id, status: 'queued' }];
    }
    return [404, { status: 404, detail: `no route ${method} ${path}` }];
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? (JSON.parse(text) as unknown) : undefined;
}
