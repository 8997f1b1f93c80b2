import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PLATFORM } from '@alphintra/platform-http';
import { AccessTokenVerifier, type AuthOptions } from './access-token.verifier';
import { authOptionsFrom, type AuthEnv } from './auth.env';
import { AuthGuard } from './auth.guard';
import { RolesGuard } from './roles.guard';

/** Authenticates every route of the app (unless `@Public()`) and enforces `@Roles(...)`. */
@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AccessTokenVerifier, useValue: new AccessTokenVerifier(options) },
        // Order matters: roles are checked against the principal the AuthGuard attached.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
      exports: [AccessTokenVerifier],
    };
  }

  /**
   * The same, configured from the environment the service was started with (its `AUTH_*`
   * variables, loaded through `loadServiceEnv(..., authEnv.shape)`), which is only known
   * once `runService` or `startTestService` has loaded it.
   */
  static fromServiceEnv(): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AccessTokenVerifier, inject: [PLATFORM], useFactory: (p: { env: AuthEnv }) => new AccessTokenVerifier(authOptionsFrom(p.env)) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
      exports: [AccessTokenVerifier],
    };
  }
}
