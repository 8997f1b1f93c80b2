import { randomBytes } from 'node:crypto';
import { ALL_TOPICS, QuoteUpdated } from '@alphintra/contracts';
import { newEvent, toHeaders } from './envelope';
import { createKafka } from './kafka';
import { silentLogger } from './logger';
import { TopicSubscriber, type SubscribedEvent } from './topic-subscriber';
import { ensureTopics } from './topics';

const kafka = createKafka({ brokers: process.env.ALPHINTRA_KAFKA_BROKERS!.split(','), clientId: 'topic-subscriber-test' });
const prefix = `t${randomBytes(4).toString('hex')}.`;
const quote = (symbol: string, bid: string) => ({ symbol, bid, bidSize: '100', ask: '101', askSize: '200', last: '100.5', at: new Date().toISOString() });

describe('TopicSubscriber: every message to every instance', () => {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const send = (key: string, value: string, headers: Record<string, string>) => producer.send({ topic: prefix + QuoteUpdated.topic, acks: -1, messages: [{ key, value, headers }] });
  const sendQuote = (symbol: string, bid: string) => {
    const e = newEvent(QuoteUpdated, '/alphintra/test', symbol, quote(symbol, bid));
    return send(symbol, JSON.stringify(e.data), toHeaders(e));
  };

  beforeAll(async () => {
    await ensureTopics(kafka, ALL_TOPICS.map((t) => ({ name: prefix + t, partitions: 1, replicationFactor: 1, retentionMs: 3_600_000 })));
    await producer.connect();
  });
  afterAll(() => producer.disconnect());

  it('gives two instances of one name every message from the latest offset on, validated, skipping malformed ones', async () => {
    await sendQuote('OLD', '1');
    const seen: [SubscribedEvent[], SubscribedEvent[]] = [[], []];
    const subscribers = seen.map((into) => new TopicSubscriber({ kafka, name: 'gateway-stream', contracts: [QuoteUpdated], topicPrefix: prefix, logger: silentLogger, onEvent: (e) => void into.push(e) }));
    try {
      await Promise.all(subscribers.map((s) => s.start()));
      // until both read at the end of the topic (on a loaded machine the first fetch can fix the
      // offset after start() resolved): a marker each has seen, then what the test counts
      for (const end = Date.now() + 30_000; !seen.every((into) => into.some((e) => (e.event.data as { symbol: string }).symbol === 'SYNC')) && Date.now() < end; ) {
        await sendQuote('SYNC', '1');
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(seen.flat().filter((e) => (e.event.data as { symbol: string }).symbol === 'OLD')).toEqual([]); // from the latest offset on
      for (const into of seen) into.length = 0;
      await send('BAD', '{not json', { ce_specversion: '1.0' });
      const bad = newEvent(QuoteUpdated, '/alphintra/test', 'BAD', quote('BAD', '1'));
      await send('BAD', JSON.stringify({ ...(bad.data as object), bid: 'cheap' }), toHeaders(bad));
      for (const s of ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF']) await sendQuote(s, '2');
      const counted = (into: SubscribedEvent[]) => into.filter((e) => (e.event.data as { symbol: string }).symbol !== 'SYNC').length;
      const done = () => seen.every((into) => counted(into) >= 6) && subscribers.every((s) => s.stats.malformed >= 2);
      for (const end = Date.now() + 30_000; !done() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));

      for (const into of seen) {
        expect(into.map((e) => (e.event.data as { symbol: string }).symbol).filter((x) => x !== 'SYNC').sort()).toEqual(['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF']);
        expect(into[0]).toMatchObject({ contract: QuoteUpdated, topic: prefix + QuoteUpdated.topic, event: { type: 'marketdata.quote.updated', version: 1 } });
      }
      expect(subscribers.map((s) => s.stats.malformed)).toEqual([2, 2]);
    } finally {
      await Promise.all(subscribers.map((s) => s.stop()));
    }
  });
});
