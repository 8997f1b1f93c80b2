import WebSocket, { type ClientOptions } from 'ws';

export interface StreamMessage {
  stream: string;
  data: Record<string, unknown>;
}

/** A client of `/api/v1/stream` that keeps every message it receives, for tests and the benchmark. */
export class StreamSocket {
  readonly messages: StreamMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      this.messages.push(JSON.parse(raw.toString()) as StreamMessage);
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      }),
    );
  }

  static open(gatewayUrl: string, options: ClientOptions = {}): Promise<StreamSocket> {
    const ws = new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}/api/v1/stream`, options);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new StreamSocket(ws)));
      ws.once('error', reject);
    });
  }

  /** Opens, authenticates and waits for `authorized`. */
  static async authorized(gatewayUrl: string, token: string, options: ClientOptions = {}): Promise<StreamSocket> {
    const s = await StreamSocket.open(gatewayUrl, options);
    s.send({ action: 'auth', token });
    await s.next('authorized');
    return s;
  }

  send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Subscribes and waits for the acknowledgement. */
  async subscribe(s: object): Promise<StreamMessage['data']> {
    const before = this.messages.length;
    this.send({ action: 'subscribe', ...s });
    return this.next('subscription', () => true, before);
  }

  /** The first message of `stream` from index `from` on that `match`es; waits for it (bounded) if none yet. */
  async next(stream: string, match: (data: StreamMessage['data']) => boolean = () => true, from = 0, timeoutMs = 30_000): Promise<StreamMessage['data']> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find((m) => m.stream === stream && match(m.data));
      if (found) return found.data;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed before a "${stream}" message came; saw ${this.messages.map((m) => m.stream).join(', ')}`);
      if (Date.now() > end) throw new Error(`no "${stream}" message within ${timeoutMs} ms; saw ${this.messages.length} messages`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 250);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }

  of(stream: string): StreamMessage['data'][] {
    return this.messages.filter((m) => m.stream === stream).map((m) => m.data);
  }

  close(): Promise<unknown> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    return this.closed;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }
}
