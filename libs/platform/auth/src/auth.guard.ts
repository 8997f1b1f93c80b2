import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessTokenVerifier } from './access-token.verifier';
import { isPublic } from './auth.decorators';
import { InvalidTokenError } from './auth.errors';
import type { Principal } from './principal';
import { SessionRevocations } from './session-revocations';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

const bearerToken = (header: string | undefined): string => {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  if (!match) throw new InvalidTokenError('an Authorization: Bearer access token is required');
  return match[1]!;
};

/** Every route needs a valid access token of a session not revoked, unless it is marked `@Public()`. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly revocations: SessionRevocations,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (isPublic(this.reflector, ctx)) return true;
    const http = ctx.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    try {
      const principal = await this.verifier.verify(bearerToken(req.headers.authorization));
      this.revocations.assertActive(principal);
      req.principal = principal;
    } catch (e) {
      if (e instanceof InvalidTokenError) void http.getResponse<FastifyReply>().header('www-authenticate', 'Bearer');
      throw e;
    }
    return true;
  }
}
