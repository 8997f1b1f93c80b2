import { Readable } from 'node:stream';
import type { preParsingAsyncHookHandler } from 'fastify';
import { GatewayError } from './gateway.errors';

const tooLarge = (limit: number) => new GatewayError(413, 'GATEWAY.BODY_TOO_LARGE', `The request body exceeds ${limit} bytes.`);

/** Reads a body of unknown length up to `limit`; past it, refuses at once and discards the rest so the connection stays usable. */
function readUpTo(body: Readable, limit: number): Promise<Readable> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] | undefined = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (!chunks) return;
      if (size <= limit) return void chunks.push(chunk);
      chunks = undefined;
      reject(tooLarge(limit));
    });
    body.on('end', () => chunks && resolve(Readable.from([Buffer.concat(chunks)])));
    body.on('error', reject);
  });
}

/**
 * preParsing: the proxy streams bodies through untouched, so Fastify's bodyLimit never applies
 * to them. A declared length over the limit is refused before anything goes upstream; a chunked
 * body is read here, up to the limit, and passed on from memory.
 */
export function bodyLimit(limit: number): preParsingAsyncHookHandler {
  return async (req, _reply, payload) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined) {
      if (Number(declared) > limit) throw tooLarge(limit);
      return payload;
    }
    return req.headers['transfer-encoding'] === undefined ? payload : readUpTo(payload as Readable, limit);
  };
}
