import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { CloudEvent } from './envelope';

/** W3C trace context as it travels in an event (the CloudEvents distributed-tracing extension). */
export interface TraceContextHeaders {
  traceparent?: string;
  tracestate?: string;
}

// A no-op until a service registers an SDK (platform-http's startTracing); then spans are real.
const tracer = trace.getTracer('@alphintra/platform-messaging');

async function inSpan<T>(span: Span, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    throw err;
  } finally {
    span.end();
  }
}

/**
 * Runs `write` (the outbox insert) in a producer span, child of whatever is active (an HTTP
 * request, an event being processed); `write` gets that span's context to store with the events.
 */
export function inCreateSpan<T>(topic: string, events: CloudEvent[], write: (tc: TraceContextHeaders) => Promise<T>): Promise<T> {
  const attributes: Attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'create',
    'messaging.operation.name': 'create',
    'messaging.destination.name': topic,
    'cloudevents.event_type': events[0].type,
  };
  if (events.length === 1) {
    attributes['messaging.message.id'] = attributes['cloudevents.event_id'] = events[0].id;
    attributes['cloudevents.event_subject'] = events[0].subject;
  } else attributes['messaging.batch.message_count'] = events.length;
  return tracer.startActiveSpan(`create ${topic}`, { kind: SpanKind.PRODUCER, attributes }, (span) =>
    inSpan(span, () => {
      const tc: TraceContextHeaders = {};
      propagation.inject(context.active(), tc);
      return write(tc);
    }),
  );
}

export interface Delivery {
  topic: string;
  groupId: string;
  offset: string;
}

/** Runs a handler in a consumer span whose parent is the context the event was created in. */
export function inProcessSpan<T>(event: CloudEvent, d: Delivery, run: () => Promise<T>): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, { traceparent: event.traceparent, tracestate: event.tracestate });
  const attributes: Attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': d.topic,
    'messaging.consumer.group.name': d.groupId,
    'messaging.kafka.offset': Number(d.offset),
    'messaging.message.id': event.id,
    'cloudevents.event_id': event.id,
    'cloudevents.event_type': event.type,
    'cloudevents.event_subject': event.subject,
  };
  return tracer.startActiveSpan(`process ${d.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent, (span) => inSpan(span, run));
}
