import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Principal, Role } from './principal';

import { ApiProblems, PUBLIC_ROUTE_METADATA, PublicRoute } from '@alphintra/platform-http';

export { PUBLIC_ROUTE_METADATA };
export const ROLES_METADATA = 'alphintra:roles';

/** The route needs no access token (defined in platform-http, whose health and metrics use it). */
export const Public = PublicRoute;

/** The caller needs at least one of these roles; the OpenAPI document says which (`x-roles`) and that others get 403. */
export const Roles = (...roles: [Role, ...Role[]]) => applyDecorators(SetMetadata(ROLES_METADATA, roles), ApiExtension('x-roles', roles), ApiProblems(403));

/** The verified caller; `undefined` on a `@Public()` route. */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal | undefined => ctx.switchToHttp().getRequest<FastifyRequest>().principal);

export const isPublic = (reflector: Reflector, ctx: ExecutionContext): boolean =>
  reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE_METADATA, [ctx.getHandler(), ctx.getClass()]) === true;
