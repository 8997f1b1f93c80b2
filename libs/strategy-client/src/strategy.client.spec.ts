import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceClient, StrategyClient, StrategyRejectedError, StrategyUnavailableError } from './strategy.client';

describe('StrategyClient', () => {
  let server: Server;
  let handler: RequestListener;
  let client: StrategyClient;

  beforeAll(async () => {
    server = createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new StrategyClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 300 });
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const answer = (status: number, body: string): RequestListener => (_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(body);

  it("sends JSON with the caller's headers and returns the answer", async () => {
    let seen: Record<string, unknown> = {};
    handler = (req, res) => {
      seen = { method: req.method, url: req.url, authorization: req.headers.authorization, requestId: req.headers['x-request-id'] };
      res.end('{"items":[]}');
    };
    await expect(client.post('/api/v1/screens/run', { numeric: [] }, { authorization: 'Bearer t', requestId: 'r-1' })).resolves.toEqual({ items: [] });
    expect(seen).toEqual({ method: 'POST', url: '/api/v1/screens/run', authorization: 'Bearer t', requestId: 'r-1' });
  });

  it.each([400, 404, 409, 422, 429])('turns a %d into a rejection carrying the problem detail', async (status) => {
    handler = answer(status, `{"status":${status},"detail":"filter 7 is retired"}`);
    await expect(client.get('/x')).rejects.toEqual(new StrategyRejectedError(status, 'filter 7 is retired'));
  });

  it("names the service it calls in a failure's message", async () => {
    handler = answer(502, '{"detail":"bad gateway"}');
    const nocode = new ServiceClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, timeoutMs: 300, service: 'nocode' });
    await expect(nocode.get('/x')).rejects.toThrow('nocode answered GET /x with 502: bad gateway');
  });

  it.each<[string, RequestListener]>([
    ['a 5xx', answer(502, '{"detail":"bad gateway"}')],
    ['a refused credential', answer(401, '{}')],
    ['a body that is not JSON', answer(200, '<html>')],
    ['silence past the timeout', () => undefined],
    ['a dropped connection', (req) => req.socket.destroy()],
  ])('calls strategy unavailable on %s', async (_, h) => {
    handler = h;
    await expect(client.get('/x')).rejects.toBeInstanceOf(StrategyUnavailableError);
  });
});
