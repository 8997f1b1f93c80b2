import { defineConfig, MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Migration } from '@mikro-orm/migrations';
import { DEFAULT_ACQUIRE_TIMEOUT_MS, type DatabaseConnection } from './database.env';
import { schemaOf, type ServiceName } from './topology';

export type ServiceOrmConfig = ReturnType<typeof defineConfig>;
type Entities = NonNullable<ServiceOrmConfig['entities']>;


export type MigrationClass = new (...args: never[]) => Migration;

export interface ServiceOrmOptions {
  service: ServiceName;
  connection: DatabaseConnection;
  entities: Entities;
  migrations: { name: string; class: MigrationClass }[];
  poolMax?: number;
  /** How long a query waits for a pooled connection (or a new one) before failing; a database that is away fails fast. */
  acquireTimeoutMs?: number;
  debug?: boolean;
  /** MikroORM's own messages (migrator, debug queries); silent by default. */
  log?: (message: string) => void;
}

/** MikroORM options for one service: its own database, its own schema, its own migrations. */
export function serviceOrmConfig(o: ServiceOrmOptions): ServiceOrmConfig {
  const schema = schemaOf(o.service);
  return defineConfig({
    host: o.connection.host,
    port: o.connection.port,
    dbName: o.connection.database,
    user: o.connection.user,
    password: o.connection.password,
    schema,
    entities: o.entities,
    discovery: { warnWhenNoEntities: false },
    extensions: [Migrator],
    migrations: {
      tableName: 'mikro_orm_migrations',
      schema,
      migrationsList: o.migrations.map((m) => ({ name: m.name, class: m.class as never })),
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    pool: { min: 0, max: o.poolMax ?? 10 },
    driverOptions: { connectionTimeoutMillis: o.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS },
    allowGlobalContext: false,
    debug: o.debug ?? false,
    logger: o.log ?? (() => undefined),
    ensureDatabase: false,
  });
}

export async function openOrm(o: ServiceOrmOptions): Promise<MikroORM> {
  const orm: MikroORM = new MikroORM(serviceOrmConfig(o) as ConstructorParameters<typeof MikroORM>[0]) as never;
  await orm.connect();
  return orm;
}
