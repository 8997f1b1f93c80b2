import type { Logger } from 'pino';
import { AccessTokenVerifier, authOptionsFrom, SessionRevocations } from '@alphintra/platform-auth';
import { createHttpApp, createLogger } from '@alphintra/platform-http';
import { AppModule } from './app.module';
import { serveApiDocs } from './docs/docs';
import type { GatewayEnv } from './env';
import { registerCors } from './routing/cors';
import { registerRoutes } from './routing/proxy';
import { startupWarning } from './routing/trusted-proxies';
import { VerifiedTokens } from './routing/verified-tokens';
import { registerStream } from './stream/stream';

export function createGateway(env: GatewayEnv, logger: Logger = createLogger('gateway', env.LOG_LEVEL)) {
  const proxyWarning = startupWarning(env.trustedProxyHops);
  if (proxyWarning) logger.warn({ trustedProxyHops: env.trustedProxyHops }, proxyWarning);
  const auth = authOptionsFrom(env.auth);
  const verifier = new VerifiedTokens(new AccessTokenVerifier(auth));
  const revocations = new SessionRevocations({ url: auth.revocationsUrl!, pollMs: auth.revocationPollMs, log: (level, m) => logger[level]({ component: 'revocations' }, m) });
  return createHttpApp(AppModule.register(env), {
    name: 'gateway',
    host: env.HOST,
    port: env.PORT,
    logger,
    bodyLimitBytes: env.bodyLimitBytes,
    timeouts: env.timeouts,
    configure: async (app) => {
      await registerCors(app, env.corsOrigins);
      await registerRoutes(app, { env, verifier, revocations, logger });
      await registerStream(app, { env, verifier, revocations, logger });
      revocations.start();
      app.getHttpAdapter().getInstance().addHook('onClose', async () => revocations.stop());
      serveApiDocs(app, env.upstreams);
    },
  });
}
