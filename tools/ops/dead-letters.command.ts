import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ALL_TOPICS } from '@alphintra/contracts';
import { kafkaBrokers, loadEnv } from '@alphintra/platform-config';
import { openOrm, schemaOf, serviceDatabaseEnv, SERVICES, type ServiceName } from '@alphintra/platform-database';
import { consumerGroupOf, createKafka, DeadLetters, DeadLettersNotFoundError, silentLogger, UnknownDeadLetterTopicError, type DeadLetter } from '@alphintra/platform-messaging';
import { UsageError } from './migrate-topology.command';

export const DEAD_LETTERS_USAGE = `  dead-letters list --service <service> [--topic <topic>] [--json]
  dead-letters redrive --service <service> (--id <id> [--id <id> ...] | --all [--topic <topic>])
              a service's dead letters (its consumer group's messages in <topic>.dlq) and their redrive to
              the original topic; each is published again at most once, whether redriven here or over the
              admin API (POST /api/v1/admin/dead-letters/<service>/redrive)
              env: KAFKA_BROKERS [KAFKA_TOPIC_PREFIX] [DB_TOPOLOGY] <SERVICE>_DATABASE_PASSWORD (runtime user)
                   [<SERVICE>_DATABASE_HOST|PORT|NAME|USER]`;

export interface DeadLettersArgs {
  action: 'list' | 'redrive';
  service: ServiceName;
  topic?: string;
  ids: string[];
  all: boolean;
  json: boolean;
}

export function parseDeadLettersArgs(args: string[]): DeadLettersArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { service: { type: 'string' }, topic: { type: 'string' }, id: { type: 'string', multiple: true }, all: { type: 'boolean' }, json: { type: 'boolean' } },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const action = positionals[0];
  if (action !== 'list' && action !== 'redrive') throw new UsageError(`dead-letters needs list or redrive, got ${action ?? 'nothing'}`);
  if (!SERVICES.includes(values.service as ServiceName)) throw new UsageError(`--service must be one of ${SERVICES.join(', ')}`);
  const ids = values.id ?? [];
  if (action === 'redrive' && ids.length > 0 === Boolean(values.all)) throw new UsageError('redrive needs either --id (one or more) or --all');
  if (values.topic !== undefined && ids.length) throw new UsageError('--topic goes with list or --all, not with --id');
  return { action, service: values.service as ServiceName, topic: values.topic, ids, all: Boolean(values.all), json: Boolean(values.json) };
}

const kafkaEnv = z.object({ KAFKA_BROKERS: kafkaBrokers, KAFKA_TOPIC_PREFIX: z.string().default('') });

const line = (d: DeadLetter) =>
  [d.id, d.eventType ?? '-', d.eventId ?? '-', `attempts=${d.attempts ?? '?'}`, d.deadLetteredAt, d.redrivenAt ? `redriven ${d.redrivenAt}` : 'pending', d.error ?? ''].join('\t');

/**
 * Reads and redrives as the service would, with its runtime database user and the Kafka of the
 * installation; the service need not be running. Every topic's `.dlq` is looked at, the service's
 * consumer group (named by the header of each dead letter) decides what is its.
 */
export async function deadLettersCommand(args: string[], source: NodeJS.ProcessEnv = process.env, print: (line: string) => void = console.log): Promise<number> {
  const a = parseDeadLettersArgs(args);
  const k = loadEnv(kafkaEnv, source);
  const db = loadEnv(serviceDatabaseEnv(a.service), source);
  const kafka = createKafka({ brokers: k.KAFKA_BROKERS, clientId: 'alphintra-ops' });
  const orm = await openOrm({ service: a.service, connection: db.runtime, entities: [], migrations: [], poolMax: 2 });
  const topics = ALL_TOPICS.map((t) => k.KAFKA_TOPIC_PREFIX + t);
  const letters = new DeadLetters({ kafka, orm, schema: schemaOf(a.service), groupId: consumerGroupOf(a.service, k.KAFKA_TOPIC_PREFIX), topics: () => topics, logger: silentLogger });
  try {
    if (a.action === 'list') {
      let cursor: string | undefined;
      let n = 0;
      do {
        const page = await letters.list({ topic: a.topic, limit: 500, cursor });
        for (const d of page.items) print(a.json ? JSON.stringify(d) : line(d));
        n += page.items.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      if (!a.json) print(`${n} dead letter(s) of ${a.service}`);
      return 0;
    }
    const r = await letters.redrive(a.ids.length ? { ids: a.ids } : { all: true, topic: a.topic }, `ops:${source.USER ?? 'unknown'}`);
    print(`redriven ${r.redriven.length}${r.redriven.length ? `: ${r.redriven.join(' ')}` : ''}`);
    print(`already redriven ${r.alreadyRedriven.length}${r.alreadyRedriven.length ? `: ${r.alreadyRedriven.join(' ')}` : ''}`);
    return 0;
  } catch (e) {
    if (!(e instanceof DeadLettersNotFoundError || e instanceof UnknownDeadLetterTopicError)) throw e;
    print(a.action === 'redrive' ? `${e.message}; nothing was redriven` : e.message);
    return 1;
  } finally {
    await letters.close();
    await orm.close(true);
  }
}
