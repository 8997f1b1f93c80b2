import { createHttpApp, createLogger } from '@alphintra/platform-http';
import { AppModule } from './app.module';
import type { GatewayEnv } from './env';
import { registerRoutes } from './routing/proxy';

export function createGateway(env: GatewayEnv) {
  const logger = createLogger('gateway', env.LOG_LEVEL);
  return createHttpApp(AppModule.register(env), { name: 'gateway', host: env.HOST, port: env.PORT, logger, configure: (app) => registerRoutes(app, env) });
}
