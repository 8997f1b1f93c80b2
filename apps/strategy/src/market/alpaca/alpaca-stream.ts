import WebSocket from 'ws';
import type { AlpacaControl, AlpacaData } from './alpaca-messages';

export type StreamState = 'connecting' | 'authenticating' | 'subscribing' | 'streaming' | 'backoff' | 'failed' | 'stopped';

export interface StreamStatus {
  state: StreamState;
  /** Why it is not streaming (or why it last stopped): the server's error or the socket's. */
  reason: string | null;
  connections: number;
  reconnects: number;
  lastMessageAt: string | null;
}

export interface AlpacaStreamOptions {
  /** `wss://stream.data.alpaca.markets/v2/iex` */
  url: string;
  key: string;
  secret: string;
  symbols: string[];
  backoffMs: number;
  backoffMaxMs: number;
  /** A connection not streaming this long after it opened, or silent (no message, no pong) this long, is dropped and made again. */
  timeoutMs: number;
  random?: () => number;
}

/** Errors after which connecting again cannot help until an admin changes something. */
const FATAL: Record<number, string> = { 402: 'auth failed', 405: 'symbol limit exceeded', 409: 'insufficient subscription' };

/**
 * One connection to the market data stream: auth, subscribe to trades, quotes and bars of the
 * symbols, and on a dropped or refused connection (406 connection limit, 404 auth timeout, a
 * network error) connect again after a backoff that doubles up to a maximum, with jitter,
 * resubscribing the same symbols. Fatal errors (402 auth failed) stop it in `failed`.
 */
export class AlpacaStream {
  readonly status: StreamStatus = { state: 'connecting', reason: null, connections: 0, reconnects: 0, lastMessageAt: null };
  private ws?: WebSocket;
  private attempt = 0;
  private timer?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  private heard = false;

  constructor(
    private readonly o: AlpacaStreamOptions,
    private readonly onData: (m: AlpacaData) => void,
    private readonly onStreaming: () => void,
  ) {}

  start(): void {
    this.connect();
  }

  async stop(): Promise<void> {
    this.status.state = 'stopped';
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => ws.terminate(), 2000);
      ws.once('close', () => (clearTimeout(force), resolve()));
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000);
    });
  }

  private connect(): void {
    if (this.done()) return;
    this.status.state = 'connecting';
    this.status.connections++;
    const ws = new WebSocket(this.o.url, { handshakeTimeout: this.o.timeoutMs, maxPayload: 16 * 1024 * 1024 });
    this.ws = ws;
    const opened = Date.now();
    this.heard = true;
    this.watchdog = setInterval(() => {
      const late = this.status.state !== 'streaming' && Date.now() - opened > this.o.timeoutMs;
      if (late || !this.heard) return this.drop(ws, late ? `not streaming ${this.o.timeoutMs} ms after connecting` : `silent for ${this.o.timeoutMs} ms`);
      this.heard = false;
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }, this.o.timeoutMs);
    ws.on('pong', () => (this.heard = true));
    ws.on('message', (raw) => {
      this.heard = true;
      this.status.lastMessageAt = new Date().toISOString();
      let messages: unknown;
      try {
        messages = JSON.parse(raw.toString());
      } catch {
        return this.drop(ws, 'a message that is not JSON');
      }
      for (const m of Array.isArray(messages) ? messages : [messages]) this.handle(ws, m as AlpacaControl | AlpacaData);
    });
    ws.on('error', (err) => {
      if (!this.done()) this.status.reason = err.message;
    });
    ws.on('close', (code, why) => {
      clearInterval(this.watchdog);
      if (this.ws !== ws || this.done()) return;
      if (this.status.state === 'streaming' || !this.status.reason) this.status.reason = `connection closed (${code}${why.length ? ` ${why.toString()}` : ''})`;
      this.backoff();
    });
  }

  private handle(ws: WebSocket, m: AlpacaControl | AlpacaData): void {
    switch (m.T) {
      case 'success':
        if (m.msg === 'connected') {
          this.status.state = 'authenticating';
          ws.send(JSON.stringify({ action: 'auth', key: this.o.key, secret: this.o.secret }));
        } else if (m.msg === 'authenticated') {
          this.status.state = 'subscribing';
          const s = this.o.symbols;
          ws.send(JSON.stringify({ action: 'subscribe', trades: s, quotes: s, bars: s }));
        }
        return;
      case 'subscription':
        if (this.status.state === 'subscribing') {
          this.status.state = 'streaming';
          this.status.reason = null;
          this.attempt = 0;
          this.onStreaming();
        }
        return;
      case 'error': {
        const reason = `${m.msg} (${m.code})`;
        this.status.reason = reason;
        if (FATAL[m.code]) {
          this.status.state = 'failed';
          clearInterval(this.watchdog);
          ws.close(1000);
        }
        return;
      }
      case 't':
      case 'q':
      case 'b':
        if (this.status.state === 'streaming') this.onData(m);
        return;
      default:
        return;
    }
  }

  private drop(ws: WebSocket, reason: string): void {
    this.status.reason = reason;
    ws.terminate();
  }

  private backoff(): void {
    const ceiling = Math.min(this.o.backoffMaxMs, this.o.backoffMs * 2 ** this.attempt);
    const delay = Math.round(ceiling * (0.5 + (this.o.random ?? Math.random)() / 2));
    this.attempt++;
    this.status.state = 'backoff';
    this.status.reconnects++;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private done(): boolean {
    return this.status.state === 'stopped' || this.status.state === 'failed';
  }
}
