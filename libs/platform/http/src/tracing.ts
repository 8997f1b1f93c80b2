import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { loadEnv } from '@alphintra/platform-config';

const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/ }).optional());

/** The standard OTEL_* variables this reads; tracing is off unless an OTLP endpoint is set. */
const tracingEnv = z.object({
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(1).default(5000),
});

export interface TracingConfig {
  /** Where spans are POSTed as OTLP/HTTP JSON. */
  url: string;
  scheduledDelayMillis: number;
}

export function loadTracingEnv(source: NodeJS.ProcessEnv = process.env): TracingConfig | undefined {
  const e = loadEnv(tracingEnv, source);
  const url = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT && `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`);
  return url ? { url, scheduledDelayMillis: e.OTEL_BSP_SCHEDULE_DELAY } : undefined;
}

let provider: { forceFlush(): Promise<void> } | undefined;
let sdkLogger: Pick<Logger, 'warn' | 'error'> | undefined;

export const tracingEnabled = (): boolean => provider !== undefined;

/** Probes and scrapes would each start a trace of their own. */
const UNTRACED = /^\/(health|metrics)(\/|\?|$)/;

/**
 * Registers the OpenTelemetry SDK for this process: W3C trace context, spans for incoming HTTP,
 * outgoing fetch/undici (the gateway's proxy) and pg queries under a span, batched to OTLP.
 * Without a config nothing is loaded and every span in the code stays a no-op. The SDK's own
 * warnings (an unreachable collector) go to `logger`.
 */
export async function startTracing(service: string, config: TracingConfig | undefined, logger?: Pick<Logger, 'warn' | 'error'>): Promise<void> {
  if (!config || provider) return;
  const [{ TracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }] =
    await Promise.all([
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/core'),
    ]);
  const [{ registerInstrumentations }, { HttpInstrumentation }, { UndiciInstrumentation }, { PgInstrumentation }] = await Promise.all([
    import('@opentelemetry/instrumentation'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-undici'),
    import('@opentelemetry/instrumentation-pg'),
  ]);
  sdkLogger = logger;
  if (logger) {
    const log = (level: 'warn' | 'error') => (message: string, ...args: unknown[]) => logger[level]({ component: 'opentelemetry', args }, message);
    diag.setLogger({ error: log('error'), warn: log('warn'), info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
  }
  const tracerProvider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: config.url }), scheduledDelayMillis: config.scheduledDelayMillis })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  registerInstrumentations({
    tracerProvider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => UNTRACED.test(req.url ?? ''), requireParentforOutgoingSpans: true }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  // The trap: an instrumentation patches a module when it is next required, and http and pg
  // were loaded with the app's imports, before this ran.
  /* eslint-disable @typescript-eslint/no-require-imports */
  require('node:http');
  require('pg');
  /* eslint-enable @typescript-eslint/no-require-imports */
  provider = tracerProvider;
}

/** Exports the spans still queued; the app calls it as it closes. */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush().catch((err: unknown) => sdkLogger?.warn({ component: 'opentelemetry', err }, 'queued spans not exported'));
}

/**
 * Names each request's server span after its route (`POST /api/v1/orders`), which the http
 * instrumentation cannot know, and flushes the spans when the app closes.
 */
export function traceRequests(fastify: FastifyInstance): void {
  if (!tracingEnabled()) return;
  fastify.addHook('onRequest', async (req) => {
    const route = req.routeOptions?.url;
    const span = trace.getActiveSpan();
    if (!route || !span) return;
    span.updateName(`${req.method} ${route}`);
    span.setAttribute('http.route', route);
  });
  fastify.addHook('onClose', flushTracing);
}
