import { ConfigError } from '@alphintra/platform-config';
import { createLogger, listen } from '@alphintra/platform-http';
import { loadEnv, type GatewayEnv } from './env';
import { createGateway } from './gateway';

async function main(): Promise<void> {
  let env: GatewayEnv;
  try {
    env = loadEnv();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`gateway: ${e.message}\n`);
    process.exit(78);
  }
  const app = await createGateway(env);
  await listen(app, { host: env.HOST, port: env.PORT, name: 'gateway', logger: createLogger('gateway', env.LOG_LEVEL) });
}

void main();
