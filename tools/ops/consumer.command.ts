import { parseArgs } from 'node:util';
import { z } from 'zod';
import { kafkaBrokers, loadEnv } from '@alphintra/platform-config';
import { openOrm, schemaOf, serviceDatabaseEnv, SERVICES, type ServiceName } from '@alphintra/platform-database';
import { consumerGroupOf, createKafka, skipMessage, SkipRefusedError } from '@alphintra/platform-messaging';
import { UsageError } from './migrate-topology.command';

export const CONSUMER_USAGE = `  consumer skip --service <service> --topic <topic> --partition <n> --offset <n>
              moves the service's consumer group past one message that keeps it from going on (dead-lettered
              with dlq_error SkippedByOperator, so it can be listed and redriven); refused (exit 2) while the
              group has live members, or when messages before it are not known to be handled
              env: KAFKA_BROKERS [KAFKA_TOPIC_PREFIX] [DB_TOPOLOGY] <SERVICE>_DATABASE_PASSWORD (runtime user)
                   [<SERVICE>_DATABASE_HOST|PORT|NAME|USER]`;

export interface ConsumerArgs {
  service: ServiceName;
  topic: string;
  partition: number;
  offset: bigint;
}

export function parseConsumerArgs(args: string[]): ConsumerArgs {
  let parsed;
  try {
    const options = { service: { type: 'string' }, topic: { type: 'string' }, partition: { type: 'string' }, offset: { type: 'string' } } as const;
    parsed = parseArgs({ args, strict: true, allowPositionals: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals[0] !== 'skip' || positionals.length > 1) throw new UsageError(`consumer needs skip, got ${positionals.join(' ') || 'nothing'}`);
  if (!SERVICES.includes(values.service as ServiceName)) throw new UsageError(`--service must be one of ${SERVICES.join(', ')}`);
  if (!values.topic) throw new UsageError('--topic is required (as on the broker, with any prefix)');
  if (!/^\d+$/.test(values.partition ?? '')) throw new UsageError('--partition must be a whole number');
  if (!/^\d+$/.test(values.offset ?? '')) throw new UsageError('--offset must be a whole number');
  return { service: values.service as ServiceName, topic: values.topic, partition: Number(values.partition), offset: BigInt(values.offset!) };
}

const kafkaEnv = z.object({ KAFKA_BROKERS: kafkaBrokers, KAFKA_TOPIC_PREFIX: z.string().default('') });

/** Exit code: 0 skipped, 2 refused. */
export async function consumerCommand(args: string[], source: NodeJS.ProcessEnv = process.env, print: (line: string) => void = console.log): Promise<number> {
  const a = parseConsumerArgs(args);
  const k = loadEnv(kafkaEnv, source);
  const db = loadEnv(serviceDatabaseEnv(a.service), source);
  const orm = await openOrm({ service: a.service, connection: db.runtime, entities: [], migrations: [], poolMax: 2 });
  const groupId = consumerGroupOf(a.service, k.KAFKA_TOPIC_PREFIX);
  try {
    const kafka = createKafka({ brokers: k.KAFKA_BROKERS, clientId: 'alphintra-ops' });
    const r = await skipMessage({ kafka, orm, schema: schemaOf(a.service), groupId, topic: a.topic, partition: a.partition, offset: a.offset, by: `ops:${source.USER ?? 'unknown'}` });
    print(`dead-lettered ${a.topic}/${a.partition}@${a.offset} (attempts ${r.attempts}); ${groupId} moved from ${r.from} to ${r.to}`);
    return 0;
  } catch (e) {
    if (!(e instanceof SkipRefusedError)) throw e;
    print(`refused: ${e.message}; nothing was changed`);
    return 2;
  } finally {
    await orm.close(true);
  }
}
