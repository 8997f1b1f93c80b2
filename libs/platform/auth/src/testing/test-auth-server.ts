import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
type TokenAlgorithm = 'RS256' | 'EdDSA';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export const newSigningKey = (algorithm: TokenAlgorithm): SigningKey => ({
  kid: randomUUID(),
  ...(algorithm === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519')),
});

/** Builds a compact JWS with any header, including ones a real issuer would never produce. */
export function compactJws(header: object, payload: object, signer: (input: string) => Buffer): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signer(input).toString('base64url')}`;
}

export const signWith = (algorithm: TokenAlgorithm, key: KeyObject) => (input: string) => sign(algorithm === 'RS256' ? 'sha256' : null, Buffer.from(input), key);
export const hmacWith = (secret: string) => (input: string) => createHmac('sha256', secret).update(input).digest();

/** Stands in for the auth service: key pairs made at test time and a JWKS endpoint on 127.0.0.1. */
export class TestAuthServer {
  fetches = 0;
  key: SigningKey;

  private constructor(
    private readonly server: Server,
    readonly algorithm: TokenAlgorithm,
  ) {
    this.key = newSigningKey(algorithm);
    server.on('request', (_req, res) => {
      this.fetches++;
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [this.jwk()] }));
    });
  }

  static async start(algorithm: TokenAlgorithm = 'RS256'): Promise<TestAuthServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TestAuthServer(server, algorithm);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  /** The JWKS serves only the new key from now on. */
  rotate(): void {
    this.key = newSigningKey(this.algorithm);
  }

  token(claims: object = {}, header: object = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: 'alphintra-auth', aud: 'alphintra', sub: 'user-1', roles: ['trader'], iat: now, exp: now + 300, jti: 'token-1', ...claims };
    return compactJws({ alg: this.algorithm, typ: 'JWT', kid: this.key.kid, ...header }, payload, signWith(this.algorithm, this.key.privateKey));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private jwk() {
    return { ...this.key.publicKey.export({ format: 'jwk' }), kid: this.key.kid, use: 'sig', alg: this.algorithm };
  }
}
