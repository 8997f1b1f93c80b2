import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Auth's revoked-sessions feed as far as the gateway can tell: entries after a numeric cursor. */
export class FakeRevocationFeed {
  readonly items: { sessionId: string; notBefore: number; expiresAt: number }[] = [];
  constructor(readonly server: Server) {
    server.on('request', (req, res) => {
      const after = Number(new URL(req.url!, 'http://x').searchParams.get('after') ?? '0');
      const page = this.items.slice(after);
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ items: page, cursor: String(after + page.length) }));
    });
  }
  static async start(): Promise<FakeRevocationFeed> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeRevocationFeed(server);
  }
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/internal/v1/revoked-sessions`;
  }
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
