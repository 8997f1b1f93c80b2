import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { migrateService } from '@alphintra/platform-database';
import { createServiceApp, type ServiceEnv, type ServiceSpec } from '@alphintra/platform-http';
import { createTestTopics, provisionTestInstallation, type TestInstallation } from './infra';

export interface TestService<E extends ServiceEnv = ServiceEnv> {
  app: NestFastifyApplication;
  /** `http://127.0.0.1:<port>` of the running service. */
  url: string;
  env: E;
  inst: TestInstallation;
  close(): Promise<void>;
}

/**
 * A service in this process against the run's real PostgreSQL and Kafka: a private
 * installation (database, roles, topic prefix), its migrations applied as the owner,
 * listening on a free port as its runtime user.
 */
export async function startTestService<E extends ServiceEnv>(
  spec: ServiceSpec,
  feature: Type | DynamicModule,
  loadEnv: (source: NodeJS.ProcessEnv) => E,
  extraEnv: Record<string, string> = {},
): Promise<TestService<E>> {
  const inst = await provisionTestInstallation('separate', [spec.service]);
  let app: NestFastifyApplication | undefined;
  let env: E;
  try {
    await createTestTopics(inst.topicPrefix);
    env = loadEnv({ ...inst.envFor(spec.service), PORT: '1', ...extraEnv });
    await migrateService({ ...spec, connection: env.database.owner! });
    app = await createServiceApp(spec, feature, env);
    await app.listen(0, '127.0.0.1');
  } catch (e) {
    // a half-started app keeps its relay and consumer running and Jest from exiting
    await app?.close().catch(() => undefined);
    await inst.drop().catch(() => undefined);
    throw e;
  }
  const address = app!.getHttpServer().address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    app: app!,
    url,
    env: env!,
    inst,
    close: async () => {
      await app!.close();
      await inst.drop();
    },
  };
}
