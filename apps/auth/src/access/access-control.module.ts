import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenVerifier, AuthGuard, authOptionsFrom, RolesGuard } from '@alphintra/platform-auth';
import { PLATFORM } from '@alphintra/platform-http';
import { AUTH_ENV, type AuthServiceEnv } from '../env';

/**
 * The environment, and platform-auth's guards verifying access tokens against this service's
 * own JWKS (AUTH_JWKS_URL). These are the providers `AuthModule.forRoot` registers, but built
 * from the environment the platform was started with: `forRoot` needs its options before the
 * environment is loaded, which `runService` and `startTestService` only do later.
 */
@Global()
@Module({
  providers: [
    { provide: AUTH_ENV, inject: [PLATFORM], useFactory: (p: { env: AuthServiceEnv }) => p.env },
    { provide: AccessTokenVerifier, inject: [AUTH_ENV], useFactory: (env: AuthServiceEnv) => new AccessTokenVerifier(authOptionsFrom(env)) },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [AUTH_ENV, AccessTokenVerifier],
})
export class AccessControlModule {}
