import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeExecution {
  status: string;
  backtestId: string | null;
}

/** The user a bearer token names (nocode verifies it; this stand-in only reads it). */
export const subjectOf = (authorization = ''): string | undefined => {
  const payload = authorization.replace(/^Bearer /, '').split('.')[1];
  return payload ? (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub?: string }).sub : undefined;
};

/**
 * Stands in for nocode's GET /api/v1/nocode/executions/{id} on 127.0.0.1: shows an execution only
 * to the user it was registered for, as nocode shows one only to its owner.
 */
export class FakeNocode {
  readonly asked: { id: string; userId?: string }[] = [];
  /** `down` answers 503. */
  mode: 'up' | 'down' = 'up';
  private readonly executions = new Map<string, { userId?: string } & FakeExecution>();

  private constructor(private readonly server: Server) {
    server.on('request', (req, res) => {
      const id = /^\/api\/v1\/nocode\/executions\/([^/]+)$/.exec(req.url ?? '')?.[1] ?? '';
      const userId = subjectOf(req.headers.authorization);
      this.asked.push({ id, userId });
      const x = this.executions.get(id);
      const [status, body] =
        this.mode === 'down'
          ? [503, { status: 503, detail: 'nocode is down' }]
          : x && userId && x.userId === userId
            ? [200, { id, workflowId: id, version: 1, status: x.status, backtestId: x.backtestId }]
            : [404, { status: 404, code: 'EXECUTION.NOT_FOUND', detail: 'No such execution.' }];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  }

  static async start(): Promise<FakeNocode> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeNocode(server);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  own(id: string, headers: Record<string, string>, x: FakeExecution = { status: 'queued', backtestId: null }): string {
    this.executions.set(id, { userId: subjectOf(headers.authorization), ...x });
    return id;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
