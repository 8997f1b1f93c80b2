import { randomUUID } from 'node:crypto';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { dataSchemaUri, type EventContract } from '@alphintra/contracts';

/** A CloudEvents 1.0 event as carried in the Kafka binding, binary content mode. */
export interface CloudEvent<T = unknown> {
  id: string;
  source: string;
  type: string;
  version: number;
  subject: string;
  time: string;
  data: T;
  correlationId?: string;
  /** W3C trace context of the span that created the event (CloudEvents distributed-tracing extension). */
  traceparent?: string;
  tracestate?: string;
}

export class MalformedEventError extends Error {
  override name = 'MalformedEventError';
}

export function newEvent<C extends EventContract>(
  contract: C,
  source: string,
  subject: string,
  data: unknown,
  opts: { correlationId?: string; traceparent?: string; id?: string; time?: Date } = {},
): CloudEvent {
  const parsed = contract.schema.safeParse(data);
  if (!parsed.success) {
    throw new MalformedEventError(`${contract.type} v${contract.version}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return {
    id: opts.id ?? randomUUID(),
    source,
    type: contract.type,
    version: contract.version,
    subject,
    time: (opts.time ?? new Date()).toISOString(),
    data: parsed.data,
    correlationId: opts.correlationId,
    traceparent: opts.traceparent,
  };
}

export function toHeaders(e: CloudEvent): Record<string, string> {
  const h: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: e.id,
    ce_source: e.source,
    ce_type: e.type,
    ce_subject: e.subject,
    ce_time: e.time,
    ce_dataschema: dataSchemaUri(e),
    'content-type': 'application/json',
  };
  if (e.correlationId) h.ce_correlationid = e.correlationId;
  if (e.traceparent) h.traceparent = e.traceparent;
  if (e.tracestate) h.tracestate = e.tracestate;
  return h;
}

const str = (h: IHeaders | undefined, k: string): string | undefined => {
  const v = h?.[k];
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v[0] : v)?.toString();
};

/** Reads the envelope of a consumed message; data is validated later against the contract. */
export function fromMessage(m: Pick<KafkaMessage, 'headers' | 'value'>): CloudEvent {
  const need = (k: string) => {
    const v = str(m.headers, k);
    if (!v) throw new MalformedEventError(`header ${k} is missing`);
    return v;
  };
  if (need('ce_specversion') !== '1.0') throw new MalformedEventError('ce_specversion must be 1.0');
  const schemaUri = need('ce_dataschema');
  const version = Number(schemaUri.slice(schemaUri.lastIndexOf(':') + 1));
  if (!Number.isInteger(version) || version < 1) throw new MalformedEventError(`ce_dataschema ${schemaUri} has no version`);
  let data: unknown;
  try {
    data = JSON.parse(m.value?.toString() ?? '');
  } catch {
    throw new MalformedEventError('value is not JSON');
  }
  return {
    id: need('ce_id'),
    source: need('ce_source'),
    type: need('ce_type'),
    version,
    subject: need('ce_subject'),
    time: need('ce_time'),
    data,
    correlationId: str(m.headers, 'ce_correlationid'),
    traceparent: str(m.headers, 'traceparent'),
    tracestate: str(m.headers, 'tracestate'),
  };
}
