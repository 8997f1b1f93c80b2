import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '@alphintra/platform-http';
import type { CloseCause } from './stream-client';

const open = new Set<() => number>();

new Gauge({
  name: 'gateway_stream_connections',
  help: 'WebSocket stream connections open now',
  registers: [metricsRegistry],
  collect() {
    this.set([...open].reduce((n, count) => n + count(), 0));
  },
});

const subscribed = new Gauge({
  name: 'gateway_stream_subscribed',
  help: '1 once the stream reads its Kafka topics (events reach sockets from then on), 0 before and after',
  registers: [metricsRegistry],
});

const closed = new Counter({
  name: 'gateway_stream_closed_total',
  help: 'WebSocket stream connections ended, by cause (slow_consumer, unauthorized, too_many_*, dead, client_closed, ...)',
  labelNames: ['cause'],
  registers: [metricsRegistry],
});

/** Reports a set of connections until the returned function is called. */
export function countConnections(count: () => number): () => void {
  open.add(count);
  return () => void open.delete(count);
}

export const countClosed = (cause: CloseCause): void => closed.inc({ cause });

export const markSubscribed = (up: boolean): void => subscribed.set(up ? 1 : 0);
