import type { EntityManager } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';

/**
 * One statement with server-side bind parameters (`$1`, `$2`, …) on the EntityManager's
 * connection — its transaction when inside one. `em.execute` formats values into the SQL text
 * on the client; values from callers and large payloads travel as real parameters instead.
 */
export async function query<R>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<R[]> {
  const result = await em.getKysely().executeQuery(CompiledQuery.raw(sql, [...params]));
  return result.rows as R[];
}
