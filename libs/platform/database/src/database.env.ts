import { z } from 'zod';
import { databaseFor, ownerRoleOf, runtimeUserOf, ServiceName, TOPOLOGIES, Topology } from './topology';

export const DEFAULT_ACQUIRE_TIMEOUT_MS = 5_000;

export interface DatabaseConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

export interface ServiceDatabaseConfig {
  service: ServiceName;
  topology: Topology;
  runtime: DatabaseConnection;
  /** Present only where the owner's credentials are configured (migration jobs, local runs). */
  owner?: DatabaseConnection;
  /** How long a query waits for a connection from the pool before the request fails (503). */
  acquireTimeoutMs: number;
}

/** The `<SERVICE>_DATABASE_*` variables of one service, parsed into connections. */
export function serviceDatabaseEnv(service: ServiceName) {
  const v = `${service.toUpperCase()}_DATABASE`;
  return z
    .object({
      DB_TOPOLOGY: z.enum(TOPOLOGIES).default('separate'),
      [`${v}_HOST`]: z.string().min(1).default('127.0.0.1'),
      [`${v}_PORT`]: z.coerce.number().int().min(1).max(65535).default(5432),
      [`${v}_NAME`]: z.string().min(1).optional(),
      [`${v}_USER`]: z.string().min(1).default(runtimeUserOf(service)),
      [`${v}_PASSWORD`]: z.string().min(1),
      [`${v}_OWNER_USER`]: z.string().min(1).default(ownerRoleOf(service)),
      [`${v}_OWNER_PASSWORD`]: z.string().min(1).optional(),
      [`${v}_ACQUIRE_TIMEOUT_MS`]: z.coerce.number().int().min(100).max(120_000).default(DEFAULT_ACQUIRE_TIMEOUT_MS),
    })
    .transform((e): ServiceDatabaseConfig => {
      const get = <T>(k: string) => (e as Record<string, unknown>)[`${v}_${k}`] as T;
      const topology = e.DB_TOPOLOGY as Topology;
      const base = {
        host: get<string>('HOST'),
        port: get<number>('PORT'),
        database: get<string | undefined>('NAME') ?? databaseFor(topology, service),
      };
      const ownerPassword = get<string | undefined>('OWNER_PASSWORD');
      return {
        service,
        topology,
        runtime: { ...base, user: get('USER'), password: get('PASSWORD') },
        owner: ownerPassword ? { ...base, user: get('OWNER_USER'), password: ownerPassword } : undefined,
        acquireTimeoutMs: get<number>('ACQUIRE_TIMEOUT_MS'),
      };
    });
}
