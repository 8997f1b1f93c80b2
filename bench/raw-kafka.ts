import type { Kafka } from '@alphintra/platform-messaging';

/** The baseline: the same messages produced and consumed with kafkajs and nothing else. */
export async function rawKafkaRoundTrip(kafka: Kafka, topic: string, n: number, keys: number, payload: string, groupId: string): Promise<{ ms: number }> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  await consumer.run({ partitionsConsumedConcurrently: 3, eachBatch: async ({ batch }) => void ((received += batch.messages.length) >= n && done()) });
  await new Promise((r) => setTimeout(r, 2000)); // group join
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const t0 = performance.now();
  for (let i = 0; i < n; i += 1000) {
    const messages = Array.from({ length: Math.min(1000, n - i) }, (_, j) => ({
      key: `key-${(i + j) % keys}`,
      value: JSON.stringify({ key: `key-${(i + j) % keys}`, seq: i + j, payload }),
      headers: { ce_specversion: '1.0', ce_type: 'platform.probe.recorded' },
    }));
    await producer.send({ topic, acks: -1, messages });
  }
  await finished;
  const ms = performance.now() - t0;
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
  return { ms };
}
