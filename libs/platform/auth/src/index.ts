export * from './principal';
export * from './auth.errors';
export * from './auth.env';
export * from './jwks-key-store';
export * from './access-token.verifier';
export { CurrentUser, Public, PUBLIC_ROUTE_METADATA, Roles, ROLES_METADATA } from './auth.decorators';
export * from './auth.guard';
export * from './roles.guard';
export * from './auth.module';
