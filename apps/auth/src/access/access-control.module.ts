import { Global, Module } from '@nestjs/common';
import { AuthModule } from '@alphintra/platform-auth';
import { PLATFORM } from '@alphintra/platform-http';
import { AUTH_ENV, type AuthServiceEnv } from '../env';

/** This service's environment for its features, and platform-auth's guards verifying tokens against its own JWKS. */
@Global()
@Module({
  imports: [AuthModule.fromServiceEnv()],
  providers: [{ provide: AUTH_ENV, inject: [PLATFORM], useFactory: (p: { env: AuthServiceEnv }) => p.env }],
  exports: [AUTH_ENV],
})
export class AccessControlModule {}
