import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';

export interface TestPrincipal {
  userId: string;
  roles?: ('trader' | 'compliance' | 'admin')[];
}

/**
 * Stands in for the auth service in a service's own tests: an RS256 key made at test time,
 * its JWKS on 127.0.0.1, and access tokens signed the way auth signs them.
 */
export class TestTokenIssuer {
  private readonly kid = randomUUID();
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  private constructor(private readonly server: Server) {
    server.on('request', (_req, res) => {
      const jwk = { ...this.keys.publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256' };
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] }));
    });
  }

  static async start(): Promise<TestTokenIssuer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TestTokenIssuer(server);
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  }

  /** The variables a service reads to verify tokens from this issuer. */
  get env(): Record<string, string> {
    return { AUTH_JWKS_URL: this.jwksUrl, AUTH_ISSUER: 'alphintra-auth', AUTH_AUDIENCE: 'alphintra' };
  }

  token(p: TestPrincipal): string {
    return jwt.sign({ roles: p.roles ?? ['trader'] }, this.keys.privateKey, {
      algorithm: 'RS256',
      keyid: this.kid,
      subject: p.userId,
      issuer: 'alphintra-auth',
      audience: 'alphintra',
      expiresIn: 300,
      jwtid: randomUUID(),
    });
  }

  /** `Authorization` header for a new user (or the given one). */
  bearer(p: TestPrincipal = { userId: randomUUID() }): { authorization: string } {
    return { authorization: `Bearer ${this.token(p)}` };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
