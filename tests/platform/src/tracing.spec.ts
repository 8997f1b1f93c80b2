import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { ProbeRecorded } from '@alphintra/contracts';
import { EventConsumer, OutboxPublisher, OutboxRelay, onEvent, silentLogger } from '@alphintra/platform-messaging';
import { createTestTopics, testKafka } from '@alphintra/testing';
import { messagingFixture, until, type MessagingFixture } from './fixtures';

interface Handled {
  seq: number;
  /** The event's traceparent as the consumer read it from the Kafka headers. */
  traceparent?: string;
  /** The span active while the handler ran. */
  spanId?: string;
  recording: boolean;
}

describe('trace context through outbox → relay → Kafka → consumer', () => {
  let f: MessagingFixture;
  let relay: OutboxRelay;
  let consumer: EventConsumer;
  let publisher: OutboxPublisher;
  const handled: Handled[] = [];
  const handledSeq = (seq: number) => until(`event ${seq} to be handled`, () => handled.some((h) => h.seq === seq), 60_000);
  const headersOf = async (seq: number) =>
    (await f.orm.em.fork().execute<{ headers: Record<string, string> }[]>(`select headers from "${f.schema}"."outbox" where (payload->>'seq')::int = ?`, [seq]))[0]
      .headers;

  beforeAll(async () => {
    f = await messagingFixture('risk');
    await createTestTopics(f.inst.topicPrefix);
    publisher = new OutboxPublisher('risk', f.schema, f.inst.topicPrefix);
    const kafka = testKafka('tracing-test');
    consumer = new EventConsumer({
      kafka,
      orm: f.orm,
      schema: f.schema,
      groupId: `${f.inst.id}-tracing`,
      topicPrefix: f.inst.topicPrefix,
      logger: silentLogger,
      handlers: [
        onEvent(ProbeRecorded, async (e, em) => {
          const span = trace.getActiveSpan();
          handled.push({ seq: e.data.seq, traceparent: e.traceparent, spanId: span?.spanContext().spanId, recording: span?.isRecording() ?? false });
          // An odd seq is a saga step: its handler records the next event, which the relay sends on.
          if (e.data.seq % 2 === 1) await publisher.record(em, ProbeRecorded, e.subject, { key: e.data.key, seq: e.data.seq + 1 });
        }),
      ],
    });
    await consumer.start();
    relay = new OutboxRelay({ connection: f.runtime, schema: f.schema, kafka, logger: silentLogger, pollIntervalMs: 100 });
    await relay.start();
  });
  afterAll(async () => {
    await Promise.all([consumer?.stop(), relay?.stop()]);
    await f?.close();
  });

  describe('without an OpenTelemetry SDK', () => {
    it('writes no trace headers and runs handlers outside any span', async () => {
      await f.orm.em.fork().transactional((em) => publisher.record(em, ProbeRecorded, 'untraced', { key: 'untraced', seq: 1 }));
      await handledSeq(2);
      expect(await headersOf(1)).not.toHaveProperty('traceparent');
      expect(await headersOf(2)).not.toHaveProperty('traceparent');
      expect(handled.filter((h) => h.seq <= 2)).toEqual([
        { seq: 1, traceparent: undefined, spanId: undefined, recording: false },
        { seq: 2, traceparent: undefined, spanId: undefined, recording: false },
      ]);
    });
  });

  describe('with the SDK registered', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    beforeAll(() => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      trace.setGlobalTracerProvider(provider);
    });
    afterAll(async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    });

    it('hands an event recorded in a span to a consumer span that is its child, and carries that span into what the handler records', async () => {
      const root = await trace.getTracer('test').startActiveSpan('POST /probe', async (span) => {
        await f.orm.em.fork().transactional((em) => publisher.record(em, ProbeRecorded, 'traced', { key: 'traced', seq: 11 }));
        span.end();
        return span.spanContext();
      });
      await handledSeq(12);
      await until('the last consumer span to end', () => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CONSUMER).length >= 2);

      const spans = exporter.getFinishedSpans();
      const spanOf = async (kind: SpanKind, seq: number): Promise<ReadableSpan> => {
        const id = (await f.orm.em.fork().execute<{ event_id: string }[]>(`select event_id from "${f.schema}"."outbox" where (payload->>'seq')::int = ?`, [seq]))[0].event_id;
        const found = spans.filter((s) => s.kind === kind && s.attributes['cloudevents.event_id'] === id);
        expect(found).toHaveLength(1);
        return found[0];
      };
      const [created11, processed11, created12, processed12] = await Promise.all([
        spanOf(SpanKind.PRODUCER, 11),
        spanOf(SpanKind.CONSUMER, 11),
        spanOf(SpanKind.PRODUCER, 12),
        spanOf(SpanKind.CONSUMER, 12),
      ]);
      const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
      const topic = f.inst.topicPrefix + ProbeRecorded.topic;

      expect(spans.every((s) => s.spanContext().traceId === root.traceId)).toBe(true);
      expect({ name: created11.name, parent: parentOf(created11) }).toEqual({ name: `create ${topic}`, parent: root.spanId });
      expect({ name: processed11.name, parent: parentOf(processed11), remote: processed11.parentSpanContext?.isRemote }).toEqual({
        name: `process ${topic}`,
        parent: created11.spanContext().spanId,
        remote: true,
      });
      expect(parentOf(created12)).toBe(processed11.spanContext().spanId);
      expect(parentOf(processed12)).toBe(created12.spanContext().spanId);
      expect(processed11.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.destination.name': topic,
        'messaging.consumer.group.name': `${f.inst.id}-tracing`,
        'cloudevents.event_type': ProbeRecorded.type,
      });

      // The row, the Kafka header and the handler's active span tell the same story.
      const traceparentOf = (s: ReadableSpan) => `00-${root.traceId}-${s.spanContext().spanId}-01`;
      expect((await headersOf(11)).traceparent).toBe(traceparentOf(created11));
      expect((await headersOf(12)).traceparent).toBe(traceparentOf(created12));
      expect(handled.filter((h) => h.seq > 10)).toEqual([
        { seq: 11, traceparent: traceparentOf(created11), spanId: processed11.spanContext().spanId, recording: true },
        { seq: 12, traceparent: traceparentOf(created12), spanId: processed12.spanContext().spanId, recording: true },
      ]);
    });
  });
});
