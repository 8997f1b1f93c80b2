import { Inject, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { LOGGER } from '@alphintra/platform-http';
import type { Logger } from 'pino';
import { AUTH_ENV, type AuthServiceEnv } from '../env';
import { AccessTokenIssuer } from './access-token.issuer';
import { JwksController } from './jwks.controller';
import { SigningKeyRing } from './signing-key-ring';

/** A fresh installation gets its first signing key before the service answers. */
@Injectable()
class FirstSigningKey implements OnApplicationBootstrap {
  constructor(
    private readonly keys: SigningKeyRing,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const kid = await this.keys.ensureActive();
    if (kid) this.logger.info({ kid }, 'created the first signing key');
  }
}

@Module({
  controllers: [JwksController],
  providers: [
    {
      provide: SigningKeyRing,
      inject: [MikroORM, AUTH_ENV],
      useFactory: (orm: MikroORM, env: AuthServiceEnv) => new SigningKeyRing(orm.em, env.AUTH_KEY_ENCRYPTION_KEY, env.AUTH_ACCESS_TOKEN_TTL_SECONDS),
    },
    AccessTokenIssuer,
    FirstSigningKey,
  ],
  exports: [AccessTokenIssuer],
})
export class KeysModule {}
