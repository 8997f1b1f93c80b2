import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { LOGGER, PLATFORM } from '@alphintra/platform-http';
import { AccessTokenVerifier, type AuthOptions } from './access-token.verifier';
import { authOptionsFrom, type AuthEnv } from './auth.env';
import { AuthGuard } from './auth.guard';
import { RolesGuard } from './roles.guard';
import { SessionRevocations } from './session-revocations';

/** Without a feed (no URL) nothing is polled and nothing is revoked. */
const revocationsFor = (o: AuthOptions, logger?: Logger) =>
  new SessionRevocations({ url: o.revocationsUrl ?? '', pollMs: o.revocationPollMs, log: logger && ((level, m) => logger[level]({ component: 'platform-auth' }, m)) });

/** Authenticates every route of the app (unless `@Public()`) and enforces `@Roles(...)`. */
@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AccessTokenVerifier, useValue: new AccessTokenVerifier(options) },
        { provide: SessionRevocations, useValue: revocationsFor(options) },
        // Order matters: roles are checked against the principal the AuthGuard attached.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
      exports: [AccessTokenVerifier, SessionRevocations],
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
        { provide: SessionRevocations, inject: [PLATFORM, LOGGER], useFactory: (p: { env: AuthEnv }, logger: Logger) => revocationsFor(authOptionsFrom(p.env), logger) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
      exports: [AccessTokenVerifier, SessionRevocations],
    };
  }
}
