import { Readable } from 'node:stream';
import type { preParsingAsyncHookHandler } from 'fastify';
import { GatewayError } from './gateway.errors';

const tooLarge = (limit: number) => new GatewayError(413, 'GATEWAY.BODY_TOO_LARGE', `The request body exceeds ${limit} bytes.`);
const busy = () => new GatewayError(503, 'GATEWAY.BUSY', 'The gateway is holding too many request bodies; retry shortly.');

/** The bytes of chunked bodies held in memory across all requests, up to a budget. */
export class BufferedBodies {
  private held = 0;

  constructor(readonly maxBytes: number) {}

  take(bytes: number): boolean {
    if (this.held + bytes > this.maxBytes) return false;
    this.held += bytes;
    return true;
  }

  release(bytes: number): void {
    this.held -= bytes;
  }
}

/**
 * Reads a body of unknown length up to `limit`, within the process-wide budget; past the limit,
 * refuses at once and discards the rest so the connection stays usable (the server's request
 * timeout bounds how long that may take).
 */
function readUpTo(body: Readable, limit: number, budget: BufferedBodies, answered: Promise<void>): Promise<Readable> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] | undefined = [];
    let size = 0;
    let held = 0;
    const drop = (e?: GatewayError) => {
      chunks = undefined;
      budget.release(held);
      held = 0;
      if (e) reject(e);
    };
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (!chunks) return;
      if (size > limit) return drop(tooLarge(limit));
      if (!budget.take(chunk.length)) return drop(busy());
      held += chunk.length;
      chunks.push(chunk);
    });
    let passedOn = false;
    body.on('end', () => {
      if (!chunks) return;
      passedOn = true;
      const whole = Buffer.concat(chunks);
      chunks = undefined;
      // Counted until the call is answered: the proxy holds the bytes until then.
      void answered.then(() => drop());
      resolve(Readable.from([whole]));
    });
    body.on('error', (e) => (drop(), reject(e)));
    body.on('close', () => passedOn || drop());
  });
}

/**
 * preParsing: the proxy streams bodies through untouched, so Fastify's bodyLimit never applies
 * to them. A declared length over the limit is refused before anything goes upstream and a body
 * of declared length streams through with backpressure; a chunked body is read here, up to the
 * limit and within the budget of all chunked bodies held at once, and passed on from memory.
 */
export function bodyLimit(limit: number, budget: BufferedBodies): preParsingAsyncHookHandler {
  return async (req, reply, payload) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined) {
      if (Number(declared) > limit) throw tooLarge(limit);
      return payload;
    }
    return req.headers['transfer-encoding'] === undefined ? payload : readUpTo(payload as Readable, limit, budget, new Promise((resolve) => reply.raw.once('close', resolve)));
  };
}
