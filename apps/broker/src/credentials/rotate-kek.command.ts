import type { EntityManager } from '@mikro-orm/postgresql';
import { openOrm, query } from '@alphintra/platform-database';
import { createLogger } from '@alphintra/platform-http';
import { loadEnv, type BrokerEnv } from '../env';
import { migrations } from '../migrations';
import { kekRingOf, rewrapDataKey, type KekRing } from './envelope';

/** Rewraps every data key not yet under the current KEK; the credentials' ciphertexts stay as they are. One transaction. */
export async function rotateKek(em: EntityManager, ring: KekRing): Promise<{ rewrapped: number; current: string }> {
  return em.transactional(async (tx) => {
    const rows = await query<{ id: string; wrappedDataKey: string; kekId: string }>(
      tx,
      `select "id", "wrapped_data_key" as "wrappedDataKey", "kek_id" as "kekId" from "broker_data"."connection"
       where "wrapped_data_key" is not null and "kek_id" <> $1 for update`,
      [ring.current.id],
    );
    for (const r of rows) {
      const next = rewrapDataKey(ring, r.id, { wrappedKey: r.wrappedDataKey, kekId: r.kekId });
      await query(tx, `update "broker_data"."connection" set "wrapped_data_key" = $2, "kek_id" = $3 where "id" = $1`, [r.id, next.wrappedKey, next.kekId]);
    }
    return { rewrapped: rows.length, current: ring.current.id };
  });
}

/** `node dist/apps/broker/src/main.js rotate-kek` with BROKER_KEK (new), BROKER_KEK_PREVIOUS and BROKER_KEK_PREVIOUS_ID (old). */
export async function rotateKekCommand(): Promise<void> {
  let env: BrokerEnv;
  try {
    env = loadEnv();
  } catch (e) {
    process.stderr.write(`broker: ${(e as Error).message}\n`);
    process.exit(78); // EX_CONFIG
  }
  const logger = createLogger('broker', env.LOG_LEVEL);
  if (!env.BROKER_KEK_PREVIOUS || !env.BROKER_KEK_PREVIOUS_ID) {
    logger.fatal('BROKER_KEK_PREVIOUS and BROKER_KEK_PREVIOUS_ID are required to rotate');
    process.exit(78);
  }
  const orm = await openOrm({ service: 'broker', connection: env.database.runtime, entities: [], migrations, poolMax: 1 });
  try {
    const result = await rotateKek(orm.em.fork(), kekRingOf(env));
    logger.info(result, 'broker data keys rewrapped under the current key-encryption key');
  } catch (e) {
    logger.error({ err: e }, 'key-encryption key rotation failed');
    process.exitCode = 1;
  } finally {
    await orm.close(true);
  }
}
