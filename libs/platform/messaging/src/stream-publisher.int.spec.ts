import { randomBytes } from 'node:crypto';
import { ConfigResourceTypes } from 'kafkajs';
import { ALL_TOPICS, BarClosed, QuoteUpdated, TOPICS } from '@alphintra/contracts';
import { fromMessage, MalformedEventError, type CloudEvent } from './envelope';
import { createKafka } from './kafka';
import { StreamPublisher } from './stream-publisher';
import { ensureTopics } from './topics';

const kafka = createKafka({ brokers: process.env.ALPHINTRA_KAFKA_BROKERS!.split(','), clientId: 'stream-publisher-test' });
const prefix = `t${randomBytes(4).toString('hex')}.`;
const quote = (bid: string) => ({ symbol: 'AAPL', bid, bidSize: '100', ask: '101', askSize: '200', last: '100.5', at: new Date().toISOString() });

async function readAll(topic: string, count: number): Promise<CloudEvent[]> {
  const consumer = kafka.consumer({ groupId: `${prefix}read-${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 50 });
  const seen: CloudEvent[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [prefix + topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`saw ${seen.length} of ${count} messages`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(fromMessage(message));
          if (seen.length < count) return;
          clearTimeout(t);
          resolve();
        },
      });
    });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

describe('market data streams: topics from the contracts settings, events published straight to Kafka', () => {
  beforeAll(() => ensureTopics(kafka, ALL_TOPICS.map((t) => ({ name: prefix + t, partitions: 1, replicationFactor: 1, retentionMs: 3_600_000 }))));

  it('creates the quote topic compacted with at least 6 partitions and the bar topic with its retention; other topics keep the defaults', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const names = [TOPICS.marketdataQuote, TOPICS.marketdataBar, TOPICS.marketdataPrice].map((t) => prefix + t);
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })) });
      const config = (name: string, key: string) => resources.find((r) => r.resourceName === name)!.configEntries.find((c) => c.configName === key)!.configValue;
      expect(names.map((n) => config(n, 'cleanup.policy'))).toEqual(['compact', 'delete', 'delete']);
      expect(names.map((n) => config(n, 'retention.ms'))).toEqual(['3600000', String(3 * 86_400_000), '3600000']);
      const wanted = [...names, `${names[0]}.dlq`];
      const meta = await admin.fetchTopicMetadata({ topics: wanted });
      expect(wanted.map((n) => meta.topics.find((t) => t.name === n)!.partitions.length)).toEqual([6, 6, 1, 1]);
    } finally {
      await admin.disconnect();
    }
  });

  it('keeps only the newest pending quote of a symbol, sends every bar in order, and validates each against its contract', async () => {
    const p = new StreamPublisher({ kafka, source: '/alphintra/test', topicPrefix: prefix, logger: { info() {}, warn() {}, error() {} }, flushIntervalMs: 1000 });
    try {
      for (const bid of ['100', '100.1', '100.2']) p.publish(QuoteUpdated, 'AAPL', quote(bid), { latestOnly: true });
      const bar = (close: string, minute: number) => ({ symbol: 'AAPL', timeframe: '1Min' as const, start: `2026-03-02T14:3${minute}:00.000Z`, open: '100', high: '101', low: '99', close, volume: '500' });
      p.publish(BarClosed, 'AAPL', bar('100.5', 0));
      p.publish(BarClosed, 'AAPL', bar('100.7', 1));
      expect(p.pending).toBe(3);
      expect(() => p.publish(QuoteUpdated, 'AAPL', { ...quote('1'), bid: 'cheap' })).toThrow(MalformedEventError);
      await p.flush();
      expect({ published: p.published, pending: p.pending }).toEqual({ published: 3, pending: 0 });
    } finally {
      await p.close();
    }
    const quotes = await readAll(TOPICS.marketdataQuote, 1);
    expect(quotes.map((e) => [e.type, e.subject, (e.data as { bid: string }).bid])).toEqual([['marketdata.quote.updated', 'AAPL', '100.2']]);
    const bars = await readAll(TOPICS.marketdataBar, 2);
    expect(bars.map((e) => (e.data as { close: string }).close)).toEqual(['100.5', '100.7']);
  });
});
