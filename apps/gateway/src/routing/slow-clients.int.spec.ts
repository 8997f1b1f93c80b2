import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { TestTokenIssuer } from '@alphintra/testing';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

/** A raw HTTP/1.1 connection to the gateway: write what you like, read what comes back until it closes. */
function rawConnection(url: string): { socket: Socket; answer: Promise<string> } {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  let text = '';
  socket.on('data', (d) => (text += d.toString()));
  socket.on('error', () => undefined);
  return { socket, answer: new Promise((resolve) => socket.on('close', () => resolve(text))) };
}

const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;

describe('gateway: slow clients and buffered bodies', () => {
  let issuer: TestTokenIssuer;
  beforeAll(async () => (issuer = await TestTokenIssuer.start()));
  afterAll(() => issuer?.close());

  describe('with a 2 s request timeout', () => {
    let gw: TestGateway;
    beforeAll(async () => (gw = await startTestGateway({ ...issuer.env, HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '2000' })));
    afterAll(() => gw?.close());

    it('answers a client that trickles its body 408 problem+json, never passing it on, while other callers are served', async () => {
      const { authorization } = issuer.bearer({ userId: randomUUID() });
      const body = JSON.stringify({ symbol: 'ACME', note: 'x'.repeat(200) });
      const before = gw.services.trading!.received.length;
      const started = Date.now();
      const slow = rawConnection(gw.url);
      slow.socket.write(`POST /api/v1/orders HTTP/1.1\r\nHost: gw\r\nAuthorization: ${authorization}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      let i = 0;
      const drip = setInterval(() => i < body.length && slow.socket.writable && slow.socket.write(body[i++]!), 100);
      const others: number[] = [];
      for (let n = 0; n < 10; n++) {
        others.push((await fetch(`${gw.url}/api/v1/orders`, { headers: { authorization } })).status);
        await new Promise((r) => setTimeout(r, 100));
      }
      const answer = await slow.answer;
      clearInterval(drip);
      expect(statusOf(answer)).toBe(408);
      expect(bodyOf(answer)).toMatchObject({ status: 408, code: 'HTTP.ERR_HTTP_REQUEST_TIMEOUT' });
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(others).toEqual(Array(10).fill(200));
      expect(gw.services.trading!.received.filter((e) => e.method === 'POST').length).toBe(before);
    });
  });

  describe('with room for 1500 bytes of chunked bodies at once', () => {
    let gw: TestGateway;
    beforeAll(async () => (gw = await startTestGateway({ ...issuer.env, GATEWAY_BODY_LIMIT_BYTES: '1024', GATEWAY_BUFFERED_BODIES_MAX_BYTES: '1500' })));
    afterAll(() => gw?.close());

    const chunked = (text: string) =>
      fetch(`${gw.url}/api/v1/instruments/ACME/bars`, {
        method: 'POST',
        headers: { ...issuer.bearer({ userId: randomUUID() }), 'content-type': 'text/csv' },
        body: new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(new TextEncoder().encode(text));
            c.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);

    it('answers 503 GATEWAY.BUSY while other bodies fill the budget, and serves again once they are passed on', async () => {
      const { authorization } = issuer.bearer({ userId: randomUUID() });
      const held = rawConnection(gw.url);
      held.socket.write(`POST /api/v1/instruments/ACME/bars HTTP/1.1\r\nHost: gw\r\nAuthorization: ${authorization}\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`);
      held.socket.write(`3e8\r\n${'a'.repeat(1000)}\r\n`);

      // Once the gateway holds the first body's 1000 bytes, a second of 1000 does not fit.
      let busy: Response | undefined;
      for (const deadline = Date.now() + 10_000; !busy && Date.now() < deadline; ) {
        const r = await chunked('b'.repeat(1000));
        if (r.status === 503) busy = r;
        else await r.arrayBuffer();
      }
      expect(busy?.status).toBe(503);
      expect(await busy!.json()).toMatchObject({ status: 503, code: 'GATEWAY.BUSY' });

      held.socket.write('0\r\n\r\n');
      // Connection: close is honoured (the service's keep-alive is not passed on), so the answer ends with the connection.
      expect(statusOf(await held.answer)).toBe(200);
      const after = await chunked('c'.repeat(1000));
      expect(after.status).toBe(200);
      expect(await after.json()).toMatchObject({ body: 'c'.repeat(1000) });
    });
  });
});
