import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { isPublic, ROLES_METADATA } from './auth.decorators';
import { ForbiddenError, InvalidTokenError } from './auth.errors';
import type { Role } from './principal';

/** Enforces `@Roles(...)`: the caller needs at least one of the listed roles. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_METADATA, [ctx.getHandler(), ctx.getClass()]);
    if (!required?.length || isPublic(this.reflector, ctx)) return true;
    const principal = ctx.switchToHttp().getRequest<FastifyRequest>().principal;
    if (!principal) throw new InvalidTokenError('an access token is required');
    if (!principal.roles.some((r) => required.includes(r))) throw new ForbiddenError(`This operation requires one of the roles: ${required.join(', ')}.`);
    return true;
  }
}
