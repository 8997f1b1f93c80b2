import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { MikroORM, RequestContext } from '@mikro-orm/postgresql';
import { LOGGER } from '@alphintra/platform-http';
import type { Logger } from 'pino';
import { AUTH_ENV, type AuthServiceEnv } from '../env';
import { EmailTakenError } from './accounts.errors';
import { RegistrationService } from './registration.service';

/**
 * Creates the configured admin once (AUTH_BOOTSTRAP_ADMIN_EMAIL/PASSWORD), with its
 * auth.user.registered event. An account that already exists is left as it is, so a changed
 * password or role survives restarts.
 */
@Injectable()
export class BootstrapAdmin implements OnApplicationBootstrap {
  constructor(
    private readonly registration: RegistrationService,
    private readonly orm: MikroORM,
    @Inject(AUTH_ENV) private readonly env: AuthServiceEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { AUTH_BOOTSTRAP_ADMIN_EMAIL: email, AUTH_BOOTSTRAP_ADMIN_PASSWORD: password } = this.env;
    if (!email || !password) return;
    await RequestContext.create(this.orm.em, async () => {
      try {
        const { userId } = await this.registration.register({ email, password }, { roles: ['admin'], bootstrap: true });
        this.logger.info({ userId, email }, 'created the bootstrap admin');
      } catch (e) {
        if (!(e instanceof EmailTakenError)) throw e;
      }
    });
  }
}
