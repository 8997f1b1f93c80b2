import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { z } from 'zod';
import { ConfigError, loadEnv, port, serviceBaseEnv } from '@alphintra/platform-config';
import { migrateService, serviceDatabaseEnv, type ServiceName } from '@alphintra/platform-database';
import { createHttpApp, listen } from './bootstrap';
import { httpTimeoutsEnv, httpTimeoutsFrom } from './http-timeouts';
import { messagingEnv } from './messaging-env';
import { createLogger } from './logger';
import { PlatformModule, type ServiceRuntimeEnv, type ServiceSpec } from './platform.module';
import { loadTracingEnv, startTracing, type TracingConfig } from './tracing';

export interface ServiceEnv extends ServiceRuntimeEnv, z.infer<typeof httpTimeoutsEnv> {
  HOST: string;
  PORT: number;
}

/**
 * Reads the common variables, the `<SERVICE>_DATABASE_*` group and the service's own,
 * reporting every missing or malformed one at once.
 */
export function loadServiceEnv<E extends z.ZodRawShape = Record<never, never>>(
  service: ServiceName,
  defaultPort: number,
  extra: E = {} as E,
  source: NodeJS.ProcessEnv = process.env,
): ServiceEnv & z.infer<z.ZodObject<E>> {
  const issues: ConfigError['issues'] = [];
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      issues.push(...e.issues);
      return undefined;
    }
  };
  const base = attempt(() => loadEnv(serviceBaseEnv.extend({ PORT: port(defaultPort) }).extend(httpTimeoutsEnv.shape).extend(messagingEnv.shape).extend(extra), source));
  const database = attempt(() => loadEnv(serviceDatabaseEnv(service), source));
  if (issues.length) throw new ConfigError(issues);
  return { ...base!, database: database! } as ServiceEnv & z.infer<z.ZodObject<E>>;
}

/** Builds a service's HTTP app with its platform (ORM, outbox relay, consumers, health). */
export async function createServiceApp(spec: ServiceSpec, feature: Type | DynamicModule, env: ServiceEnv): Promise<NestFastifyApplication> {
  const logger = createLogger(spec.service, env.LOG_LEVEL);
  @Module({ imports: [PlatformModule.forService(spec, env, logger), feature] })
  class ServiceRootModule {}
  return createHttpApp(ServiceRootModule, { name: spec.service, host: env.HOST, port: env.PORT, logger, timeouts: httpTimeoutsFrom(env) });
}

/** The whole `main.ts` of a service: `migrate` runs its migrations as the owner role and exits. */
export async function runService(spec: ServiceSpec, feature: Type | DynamicModule, loadEnvOf: () => ServiceEnv, argv = process.argv.slice(2)): Promise<void> {
  let env: ServiceEnv;
  let tracing: TracingConfig | undefined;
  try {
    env = loadEnvOf();
    tracing = loadTracingEnv();
  } catch (e) {
    process.stderr.write(`${spec.service}: ${(e as Error).message}\n`);
    process.exit(78); // EX_CONFIG
  }
  const logger = createLogger(spec.service, env.LOG_LEVEL);
  if (argv[0] === 'migrate') {
    if (!env.database.owner) {
      logger.fatal(`${spec.service.toUpperCase()}_DATABASE_OWNER_PASSWORD is required to migrate`);
      process.exit(78);
    }
    const applied = await migrateService({ ...spec, connection: env.database.owner, log: (m) => logger.info({ component: 'migrator' }, m) });
    logger.info({ applied }, `${spec.service} migrations up to date`);
    return;
  }
  await startTracing(spec.service, tracing, logger);
  const app = await createServiceApp(spec, feature, env);
  await listen(app, { host: env.HOST, port: env.PORT, logger, name: spec.service });
}
