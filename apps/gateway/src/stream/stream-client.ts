import type { WebSocket } from 'ws';
import type { Principal } from '@alphintra/platform-auth';
import { CLOSE, closeReason } from './stream.protocol';

export type CloseCause = 'unauthorized' | 'slow_consumer' | 'too_many_connections' | 'too_many_symbols' | 'overloaded' | 'shutdown' | 'dead' | 'client_closed' | 'policy' | 'error';

/** One socket of `/api/v1/stream`: who it speaks for, what it asked for, and a bounded way to send to it. */
export class StreamClient {
  principal?: Principal;
  /** Past this (ms) the token it authenticated with is no longer accepted. */
  expiresAt = 0;
  readonly quotes = new Set<string>();
  readonly bars = new Set<string>();
  trades = false;
  account = false;
  /** Cleared at each heartbeat, set by the pong (or any message). */
  alive = true;
  closed = false;

  constructor(
    readonly socket: WebSocket,
    private readonly maxBufferedBytes: number,
    private readonly onClose: (c: StreamClient, cause: CloseCause) => void,
  ) {}

  get userId(): string | undefined {
    return this.principal?.userId;
  }

  /**
   * Sends unless more than the bound is still waiting for the client: then the client is dropped
   * (4008), since holding without bound would let one slow reader take the gateway's memory.
   */
  send(text: string): void {
    if (this.closed) return;
    if (this.socket.bufferedAmount > this.maxBufferedBytes) return this.close(CLOSE.slowConsumer, 'slow_consumer', `slow consumer: more than ${this.maxBufferedBytes} bytes waiting`);
    this.socket.send(text);
  }

  /** A close frame after what is buffered; ws destroys the socket if the handshake does not finish within 30 s. */
  close(code: number, cause: CloseCause, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, closeReason(reason));
    this.onClose(this, cause);
  }

  /** No close frame: the peer stopped answering. */
  terminate(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.terminate();
    this.onClose(this, 'dead');
  }

  /** The socket went away by itself (the client closed, or the connection broke). */
  gone(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this, 'client_closed');
  }
}
