import { ConfigError } from '@alphintra/platform-config';
import { createLogger, listen, loadTracingEnv, startTracing, type TracingConfig } from '@alphintra/platform-http';
import { loadEnv, type GatewayEnv } from './env';
import { createGateway } from './gateway';

async function main(): Promise<void> {
  let env: GatewayEnv;
  let tracing: TracingConfig | undefined;
  try {
    env = loadEnv();
    tracing = loadTracingEnv();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`gateway: ${e.message}\n`);
    process.exit(78);
  }
  const logger = createLogger('gateway', env.LOG_LEVEL);
  await startTracing('gateway', tracing, logger);
  const app = await createGateway(env);
  await listen(app, { host: env.HOST, port: env.PORT, name: 'gateway', logger });
}

void main();
