import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A compact JWS with any header and payload, including ones no real issuer produces. */
export function compactJws(header: object, payload: object, signer: (input: string) => Buffer): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${signer(input).toString('base64url')}`;
}

export const rs256 = (key: KeyObject) => (input: string) => sign('sha256', Buffer.from(input), key);
export const hs256 = (secret: string | Buffer) => (input: string) => createHmac('sha256', secret).update(input).digest();

/**
 * The trusted RS256 key and its JWKS on 127.0.0.1, with the private key in reach, so a test can
 * sign whatever claims it likes with the key the gateway trusts.
 */
export class HandMadeTokens {
  readonly kid = randomUUID();
  readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  fetches = 0;

  private constructor(private readonly server: Server) {
    server.on('request', (_req, res) => {
      this.fetches++;
      const jwk = { ...this.keys.publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256' };
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] }));
    });
  }

  static async start(): Promise<HandMadeTokens> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new HandMadeTokens(server);
  }

  get env(): Record<string, string> {
    const { port } = this.server.address() as AddressInfo;
    return { AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`, AUTH_ISSUER: 'alphintra-auth', AUTH_AUDIENCE: 'alphintra' };
  }

  /** Claims a valid access token carries; override any of them. */
  claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return { iss: 'alphintra-auth', aud: 'alphintra', sub: randomUUID(), roles: ['trader'], iat: now, exp: now + 300, jti: randomUUID(), ...overrides };
  }

  /** Signed with the trusted key; `header` may override `alg`, `kid`, `typ`. */
  token(claims: Record<string, unknown> = this.claims(), header: object = {}): string {
    return compactJws({ alg: 'RS256', typ: 'JWT', kid: this.kid, ...header }, claims, rs256(this.keys.privateKey));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
