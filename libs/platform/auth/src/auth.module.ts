import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessTokenVerifier, type AuthOptions } from './access-token.verifier';
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
}
