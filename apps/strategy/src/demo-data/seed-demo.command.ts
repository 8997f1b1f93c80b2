import { openOrm, schemaOf } from '@alphintra/platform-database';
import { createLogger } from '@alphintra/platform-http';
import { OutboxPublisher } from '@alphintra/platform-messaging';
import { entities } from '../app.module';
import { loadCommandEnv } from '../env';
import { DEMO_DEFAULTS, type DemoOptions } from './demo-market';
import { seedDemo, type SeedResult } from './seed-demo';

export class UsageError extends Error {
  override name = 'UsageError';
}

const USAGE = 'usage: seed-demo [--instruments 1..20000] [--years 0.01..30] [--seed integer] [--end YYYY-MM-DD]';

export function parseSeedArgs(args: string[]): DemoOptions {
  const o = { ...DEMO_DEFAULTS };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    const n = Number(value);
    if (flag === '--instruments' && Number.isInteger(n) && n >= 1 && n <= 20_000) o.instruments = n;
    else if (flag === '--years' && value !== undefined && value !== '' && n >= 0.01 && n <= 30) o.years = n;
    else if (flag === '--seed' && Number.isInteger(n) && n >= 0 && n < 2 ** 32) o.seed = n;
    else if (flag === '--end' && value !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))) o.end = value;
    else throw new UsageError(`${flag ?? ''} ${value ?? ''}: ${USAGE}`);
  }
  return o;
}

/** `seed-demo`: the demo data set, written as the runtime user; its events leave through the outbox. */
export async function seedDemoCommand(args: string[], source: NodeJS.ProcessEnv = process.env): Promise<SeedResult> {
  const options = parseSeedArgs(args);
  const env = loadCommandEnv(source);
  const logger = createLogger('strategy', env.LOG_LEVEL);
  const orm = await openOrm({ service: 'strategy', connection: env.database.runtime, entities, migrations: [], poolMax: 2 });
  try {
    const started = performance.now();
    const result = await seedDemo(orm.em.fork(), new OutboxPublisher('strategy', schemaOf('strategy'), env.KAFKA_TOPIC_PREFIX), options);
    const ms = Math.round(performance.now() - started);
    logger.info({ ...options, ...result, ms }, result.seeded ? 'demo data written' : 'instruments exist already; demo data not written');
    return result;
  } finally {
    await orm.close(true);
  }
}
