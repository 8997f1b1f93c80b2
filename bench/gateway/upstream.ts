/**
 * The service behind the gateway in the benchmark: node:http answering an authenticated GET with
 * a small JSON (401 without a bearer token; it does not verify it, so the comparison charges the
 * gateway's verification to the gateway). Prints its port on stdout.
 *   node dist/bench/gateway/upstream.js
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = JSON.stringify({ items: [{ symbol: 'ACME', lastPrice: '101.25' }], nextCursor: null });

const server = createServer({ keepAlive: true, keepAliveTimeout: 60_000 }, (req, res) => {
  if (req.url === '/health/ready') return void res.writeHead(200).end();
  if (!req.headers.authorization?.startsWith('Bearer ')) return void res.writeHead(401).end();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
