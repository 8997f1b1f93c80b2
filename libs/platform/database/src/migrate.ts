import { Client } from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm, type ServiceOrmOptions } from './orm';

/**
 * Runs a service's pending migrations as its owner role. Replicas that start together
 * serialize on a PostgreSQL advisory lock keyed by the service, so exactly one migrates.
 */
export async function migrateService(o: ServiceOrmOptions): Promise<string[]> {
  const lock = new Client({ ...o.connection, application_name: `${o.service}-migrate-lock` });
  await lock.connect();
  let orm: MikroORM | undefined;
  try {
    await lock.query('select pg_advisory_lock(hashtext($1))', [`alphintra:migrate:${o.service}`]);
    orm = await openOrm({ ...o, poolMax: 2 });
    const done = await orm.migrator.up();
    return done.map((m) => m.name);
  } finally {
    await orm?.close(true);
    await lock.end();
  }
}
