import { AccessTokenVerifier, authOptionsFrom } from '@alphintra/platform-auth';
import { createHttpApp, createLogger } from '@alphintra/platform-http';
import { AppModule } from './app.module';
import { serveApiDocs } from './docs/docs';
import type { GatewayEnv } from './env';
import { registerCors } from './routing/cors';
import { registerRoutes } from './routing/proxy';
import { VerifiedTokens } from './routing/verified-tokens';

export function createGateway(env: GatewayEnv) {
  const logger = createLogger('gateway', env.LOG_LEVEL);
  const verifier = new VerifiedTokens(new AccessTokenVerifier(authOptionsFrom(env.auth)));
  return createHttpApp(AppModule.register(env), {
    name: 'gateway',
    host: env.HOST,
    port: env.PORT,
    logger,
    bodyLimitBytes: env.bodyLimitBytes,
    timeouts: env.timeouts,
    configure: async (app) => {
      await registerCors(app, env.corsOrigins);
      await registerRoutes(app, env, verifier);
      serveApiDocs(app, env.upstreams);
    },
  });
}
