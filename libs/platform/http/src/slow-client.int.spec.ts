import { connect, type AddressInfo } from 'node:net';
import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from './bootstrap';
import { createLogger } from './logger';

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return { items: [] };
  }

  @Post()
  create(@Body() body: unknown) {
    return body;
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

/** Opens a raw connection, sends `head`, then trickles `drip` one byte per interval; resolves with what the server answered and how long it took. */
function slowClient(port: number, head: string, drip: string, everyMs: number): Promise<{ answer: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect({ port, host: '127.0.0.1' });
    let answer = '';
    let i = 0;
    const timer = setInterval(() => i < drip.length && socket.writable && socket.write(drip[i++]!), everyMs);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, ms: Date.now() - started });
    });
  });
}

describe('HTTP server timeouts', () => {
  let app: NestFastifyApplication;
  let port: number;
  const timeouts = { headersMs: 1_000, requestMs: 2_000, idleMs: 30_000 };

  beforeAll(async () => {
    app = await createHttpApp(ThingsModule, { name: 'test', host: '127.0.0.1', port: 0, logger: createLogger('test', 'silent'), timeouts });
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => app?.close());

  it('answers a client that trickles its body 408 problem+json and closes it, while other clients are served', async () => {
    const body = JSON.stringify({ name: 'x'.repeat(200) });
    const slow = slowClient(port, `POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, body, 100);
    const others: number[] = [];
    const served = (async () => {
      for (let i = 0; i < 10; i++) {
        others.push((await fetch(`http://127.0.0.1:${port}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })).status);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const { answer, ms } = await slow;
    await served;
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 408, code: 'HTTP.ERR_HTTP_REQUEST_TIMEOUT' });
    // 200 bytes at 10 a second would take 20 s; the request timeout is 2 s (checked every second).
    expect(ms).toBeGreaterThanOrEqual(timeouts.requestMs - 100);
    expect(ms).toBeLessThan(10_000);
    expect(others).toEqual(Array(10).fill(201));
  });

  it('answers a client that trickles its headers 408 too', async () => {
    const { answer, ms } = await slowClient(port, 'GET /things HTTP/1.1\r\n', 'X-Slow: ' + 'y'.repeat(100), 100);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(10_000);
  });

  it('serves a client that sends in time', async () => {
    const { answer } = await slowClient(port, 'GET /things HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', '', 100);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });
});
