// A relay in a process of its own, so tests can SIGKILL it mid-flow.
import { createKafka, OutboxRelay } from '@alphintra/platform-messaging';

const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is required`);
  return v;
};

const relay = new OutboxRelay({
  connection: JSON.parse(env('RELAY_CONNECTION')),
  schema: env('RELAY_SCHEMA'),
  kafka: createKafka({ brokers: env('RELAY_BROKERS').split(','), clientId: 'relay-test' }),
  batchSize: Number(process.env.RELAY_BATCH_SIZE ?? 1000),
  logger: { info() {}, warn() {}, error: (o, m) => process.stderr.write(`${m} ${JSON.stringify(o)}\n`) },
});

void relay.start().then(() => {
  process.stdout.write('started\n');
  setInterval(() => process.stdout.write(`published ${relay.published}\n`), 100);
});
process.on('SIGTERM', () => void relay.stop().then(() => process.exit(0)));
