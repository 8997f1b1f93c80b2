// A consumer in a process of its own, so a test can watch a message take the whole process down.
import { createKafka, EventConsumer, onEvent } from '@alphintra/platform-messaging';
import { ProbeRecorded } from '@alphintra/contracts';
import { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '@alphintra/platform-database';

const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is required`);
  return v;
};

async function main(): Promise<void> {
  const schema = env('CONSUMER_SCHEMA');
  const orm: MikroORM = await openOrm({ service: 'risk', connection: JSON.parse(env('CONSUMER_CONNECTION')), entities: [], migrations: [] });
  const consumer = new EventConsumer({
    kafka: createKafka({ brokers: env('CONSUMER_BROKERS').split(','), clientId: 'consumer-test' }),
    orm,
    schema,
    groupId: env('CONSUMER_GROUP'),
    topicPrefix: env('CONSUMER_TOPIC_PREFIX'),
    maxAttempts: Number(env('CONSUMER_MAX_ATTEMPTS')),
    logger: { info() {}, warn() {}, error: (o, m) => process.stderr.write(`${m}\n`) },
    handlers: [
      onEvent(ProbeRecorded, async (e, em) => {
        await em.execute(`insert into "${schema}"."seen" ("key", "seq") values (?, ?)`, [e.data.key, e.data.seq], 'run');
        // as an OOM or a native crash would: nothing the consumer can catch
        if (e.data.key === 'poison') process.kill(process.pid, 'SIGKILL');
      }),
    ],
  });
  await consumer.start();
  process.stdout.write('started\n');
  process.on('SIGTERM', () => void consumer.stop().then(() => orm.close(true)).then(() => process.exit(0)));
}

void main();
