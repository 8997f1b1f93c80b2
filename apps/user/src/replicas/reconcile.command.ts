import { openOrm } from '@alphintra/platform-database';
import { createLogger } from '@alphintra/platform-http';
import { entities } from '../entities';
import { loadReconcileEnv, type ReconcileEnv } from '../env';
import { StrategyClient } from '@alphintra/strategy-client';
import { ReplicaReconciler, type ReconciliationReport } from './replica-reconciler';
import { StrategyCatalog } from './strategy-catalog';

/** One reconciliation against strategy's API, as the service's runtime database user. */
export async function reconcileReplicas(env: ReconcileEnv, o: { dryRun?: boolean } = {}): Promise<ReconciliationReport> {
  const orm = await openOrm({ service: 'user', connection: env.database.runtime, entities, migrations: [], poolMax: 2 });
  try {
    const strategy = new StrategyClient({ url: env.STRATEGY_URL, timeoutMs: env.STRATEGY_TIMEOUT_MS });
    const authorization = env.STRATEGY_SERVICE_TOKEN && `Bearer ${env.STRATEGY_SERVICE_TOKEN}`;
    return await new ReplicaReconciler(new StrategyCatalog(strategy, authorization)).reconcile(orm.em.fork(), o);
  } finally {
    await orm.close(true);
  }
}

/** `main.js reconcile [--dry-run]`: prints the report as one JSON line; exit 1 when strategy or the database failed. */
export async function reconcileCommand(argv = process.argv.slice(3)): Promise<void> {
  let env: ReconcileEnv;
  try {
    env = loadReconcileEnv();
  } catch (e) {
    process.stderr.write(`user reconcile: ${(e as Error).message}\n`);
    process.exit(78); // EX_CONFIG
  }
  const logger = createLogger('user', env.LOG_LEVEL);
  try {
    const report = await reconcileReplicas(env, { dryRun: argv.includes('--dry-run') });
    logger.info({ report }, 'replicas reconciled');
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } catch (err) {
    logger.error({ err }, 'reconciliation failed; nothing was changed');
    process.exitCode = 1;
  }
}
