/**
 * The baseline of the stream benchmark: the same fan-out by symbol with a bare `ws` server, fed
 * over one WebSocket by the benchmark instead of Kafka; no auth, no limits. Prints its port.
 */
import { WebSocketServer, type WebSocket } from 'ws';

const subscribers = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });

wss.on('connection', (ws) => {
  ws.on('message', (raw) => {
    const m = JSON.parse(raw.toString()) as { action: string; quotes?: string[]; data?: { symbol: string } };
    if (m.action === 'subscribe') {
      for (const s of m.quotes ?? []) subscribers.set(s, (subscribers.get(s) ?? new Set()).add(ws));
      ws.send(JSON.stringify({ stream: 'subscription', data: { quotes: m.quotes } }));
    } else if (m.action === 'publish' && m.data) {
      const text = JSON.stringify({ stream: 'quote', data: m.data });
      for (const c of subscribers.get(m.data.symbol) ?? []) c.send(text);
    }
  });
  ws.on('close', () => subscribers.forEach((set) => set.delete(ws)));
});
wss.on('listening', () => console.log((wss.address() as { port: number }).port));
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
