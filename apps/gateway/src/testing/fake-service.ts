import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Echo {
  service: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A service behind the gateway, as far as the gateway can tell: a real HTTP server on
 * 127.0.0.1 that answers every call with what it received, plus `/openapi.json` and
 * `/health/ready`; a path ending in `/hang` is never answered. `received` lists the calls that reached it.
 */
export class FakeService {
  readonly received: Echo[] = [];
  /** What `/health/ready` answers. */
  readiness: { status: number; body: unknown } = { status: 200, body: { status: 'up' } };

  private constructor(
    readonly name: string,
    private readonly server: Server,
    private readonly areas: string[],
  ) {
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (req.url === '/openapi.json') return send(200, this.openApi());
        if (req.url === '/health/ready') return send(this.readiness.status, this.readiness.body);
        // A service that hangs: takes the call and never answers.
        if (req.url!.endsWith('/hang')) return;
        const echo: Echo = { service: name, method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
        this.received.push(echo);
        send(200, echo);
      });
    });
  }

  static async start(name: string, areas: string[]): Promise<FakeService> {
    const server = createServer({ keepAlive: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeService(name, server, areas);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Documents `GET /api/v1/<area>/probe` per area, a `Probe` schema unlike any other service's, and a path the gateway does not route. */
  openApi() {
    const ref = { $ref: '#/components/schemas/Probe' };
    const paths = Object.fromEntries(
      this.areas.map((a) => [`/api/v1/${a}/probe`, { get: { operationId: `${this.name}_${a}_probe`, responses: { 200: { description: 'ok', content: { 'application/json': { schema: ref } } } } } }]),
    );
    return {
      openapi: '3.0.0',
      info: { title: `Alphintra ${this.name}`, version: '1' },
      paths: { ...paths, [`/internal/${this.name}`]: { get: { responses: { 200: { description: 'ok' } } } } },
      components: {
        schemas: { Probe: { type: 'object', properties: { [this.name]: { type: 'string' } } }, Shared: { type: 'string' } },
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
