import WebSocket from 'ws';

/** Many WebSocket clients in this process, each subscribed to some symbols, recording quote latencies (receipt minus the quote's `at`). */
export class StreamClients {
  readonly latenciesMs: number[] = [];
  recording = false;
  received = 0;
  closedEarly = 0;
  private readonly sockets: WebSocket[] = [];

  /** Opens `count` clients against `url`; `hello(i)` lists the messages client i sends first, `ready` names the reply to wait for. */
  async open(url: string, count: number, hello: (i: number) => object[], ready = 'subscription', batch = 100): Promise<void> {
    for (let from = 0; from < count; from += batch) {
      await Promise.all([...Array(Math.min(batch, count - from))].map((_, k) => this.openOne(url, hello(from + k), ready)));
    }
  }

  private openOne(url: string, messages: object[], ready: string): Promise<void> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    this.sockets.push(ws);
    return new Promise((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => messages.forEach((m) => ws.send(JSON.stringify(m))));
      ws.once('close', () => this.closedEarly++);
      ws.on('message', (raw) => {
        const m = JSON.parse(raw.toString()) as { stream: string; data: { at?: string } };
        if (m.stream === ready) resolve();
        if (m.stream !== 'quote') return;
        this.received++;
        if (this.recording) this.latenciesMs.push(Date.now() - Date.parse(m.data.at!));
      });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.sockets.map((ws) => (ws.readyState === ws.CLOSED ? undefined : new Promise((r) => (ws.once('close', r), ws.close())))));
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}
