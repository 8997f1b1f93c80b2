import { createLogger } from '@alphintra/platform-http';
import { openOrm } from '@alphintra/platform-database';
import { entities } from '../entities';
import { migrations } from '../migrations';
import { loadEnv, type AuthServiceEnv } from '../env';
import { SigningKeyRing } from './signing-key-ring';

/** Retires the active signing key and activates a new one; returns the new kid. */
export async function rotateKeys(env: AuthServiceEnv): Promise<{ kid: string; retired: string[] }> {
  const orm = await openOrm({ service: 'auth', connection: env.database.runtime, entities, migrations, poolMax: 1 });
  try {
    return await new SigningKeyRing(orm.em, env.AUTH_KEY_ENCRYPTION_KEY, env.AUTH_ACCESS_TOKEN_TTL_SECONDS).rotate();
  } finally {
    await orm.close(true);
  }
}

/** `node dist/apps/auth/src/main.js rotate-keys` */
export async function rotateKeysCommand(): Promise<void> {
  let env: AuthServiceEnv;
  try {
    env = loadEnv();
  } catch (e) {
    process.stderr.write(`auth: ${(e as Error).message}\n`);
    process.exit(78); // EX_CONFIG
  }
  const logger = createLogger('auth', env.LOG_LEVEL);
  try {
    const { kid, retired } = await rotateKeys(env);
    logger.info({ kid, retired, servedUntil: `retiredAt + ${env.AUTH_ACCESS_TOKEN_TTL_SECONDS}s` }, 'signing key rotated');
  } catch (e) {
    logger.error({ err: e }, 'signing key rotation failed');
    process.exitCode = 1;
  }
}
