import { randomBytes, randomUUID } from 'node:crypto';
import { AssessmentApproved, ExecutionReported, OrderFilled, OrderRouted, OrderSubmitted, type EventContract } from '@alphintra/contracts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan, type SpanKindName } from './otlp-receiver';
import { call, eventually, startE2ePlatform, type E2ePlatform } from './platform-e2e';

const FIRST_PORT = 19_880;
// platform-e2e gives the apps consecutive ports in this order.
const PORT_ORDER = ['gateway', 'auth', 'user', 'strategy', 'trading', 'risk', 'broker', 'nocode', 'notification'];
const APPS = ['gateway', 'auth', 'strategy', 'trading', 'risk', 'broker', 'notification'] as const;

describe('one trace across HTTP and Kafka through the order saga', () => {
  let receiver: OtlpReceiver;
  let platform: E2ePlatform;
  let gw: string;
  let token: string;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    platform = await startE2ePlatform('e2e-tracing', 55_452, FIRST_PORT, [...APPS], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
    });
    gw = platform.url;
    const password = 'tracer password 1234';
    await call(gw, 'POST', '/api/v1/auth/register', { body: { email: 'tracer@e2e.test', password } });
    token = String((await call(gw, 'POST', '/api/v1/auth/login', { body: { email: 'tracer@e2e.test', password } })).body.accessToken);
  }, 300_000);
  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  });

  const inTrace = (traceId: string) => receiver.spans.filter((s) => s.traceId === traceId);
  /** The one span of `service` and `kind` in the trace that matches. */
  const spanIn = (traceId: string, service: string, kind: SpanKindName, match: (s: ReceivedSpan) => boolean = () => true): ReceivedSpan => {
    const found = inTrace(traceId).filter((s) => s.service === service && s.kind === kind && match(s));
    if (found.length !== 1) throw new Error(`expected one ${service} ${kind} span, found ${found.length}: ${found.map((s) => s.name).join(', ')}`);
    return found[0];
  };
  const ofEvent = (c: EventContract) => (s: ReceivedSpan) => s.attributes['cloudevents.event_type'] === c.type;

  it('links gateway → trading → risk → trading → broker → trading → notification by parent span ids', async () => {
    expect((await call(gw, 'POST', '/api/v1/portfolio/deposits', { token, body: { amount: '100000' } })).status).toBe(201);
    const symbol = String(((await call(gw, 'GET', '/api/v1/instruments?limit=1', { token })).body.items as { symbol: string }[])[0].symbol);
    const orderId = await eventually('an order accepted (the symbol known to trading)', async () => {
      const r = await fetch(`${gw}/api/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ symbol, side: 'buy', type: 'market', quantity: '3', timeInForce: 'day' }),
      });
      return r.status === 202 ? String(((await r.json()) as { id: string }).id) : undefined;
    });
    await eventually('the fill', async () => ((await call(gw, 'GET', `/api/v1/orders/${orderId}`, { token })).body.status === 'filled' ? true : undefined), 60_000);
    await eventually('the fill notification', async () => {
      const items = (await call(gw, 'GET', '/api/v1/notifications', { token })).body.items ?? [];
      return items.some((n) => n.kind === 'order.filled') ? true : undefined;
    });

    // The trace is the one in which trading created the order's submitted event.
    const submitted = await eventually('the order.submitted producer span', async () =>
      receiver.spans.find((s) => s.service === 'trading' && s.kind === 'producer' && s.attributes['cloudevents.event_subject'] === orderId),
    );
    const t = submitted.traceId;
    const notified = await eventually('the notification consumer span', async () =>
      inTrace(t).find((s) => s.service === 'notification' && s.kind === 'consumer' && ofEvent(OrderFilled)(s)),
    );
    // each app exports on its own schedule: wait until every span of the chain has arrived (spanIn throws until then)
    const { gatewayServer, gatewayClient, tradingServer, riskProcess, approved, tradingOnApproval, routed, brokerProcess, executed, tradingOnExecution, filled } = await eventually('every span of the chain', async () => ({
      gatewayServer: spanIn(t, 'gateway', 'server'),
      gatewayClient: spanIn(t, 'gateway', 'client', (s) => s.attributes['url.path'] === '/api/v1/orders'),
      tradingServer: spanIn(t, 'trading', 'server', (s) => s.name === 'POST /api/v1/orders'),
      riskProcess: spanIn(t, 'risk', 'consumer', ofEvent(OrderSubmitted)),
      approved: spanIn(t, 'risk', 'producer', ofEvent(AssessmentApproved)),
      tradingOnApproval: spanIn(t, 'trading', 'consumer', ofEvent(AssessmentApproved)),
      routed: spanIn(t, 'trading', 'producer', ofEvent(OrderRouted)),
      brokerProcess: spanIn(t, 'broker', 'consumer', ofEvent(OrderRouted)),
      executed: spanIn(t, 'broker', 'producer', ofEvent(ExecutionReported)),
      tradingOnExecution: spanIn(t, 'trading', 'consumer', ofEvent(ExecutionReported)),
      filled: spanIn(t, 'trading', 'producer', ofEvent(OrderFilled)),
    }));

    const links = (pairs: [ReceivedSpan, ReceivedSpan][]) => pairs.map(([child, parent]) => `${child.service}:${child.name} ← ${parent.service}:${child.parentSpanId === parent.spanId ? parent.name : '(other)'}`);
    const chain: [ReceivedSpan, ReceivedSpan][] = [
      [gatewayClient, gatewayServer], // the proxy's call upstream
      [tradingServer, gatewayClient], // HTTP hop
      [submitted, tradingServer],
      [riskProcess, submitted], // Kafka hop
      [approved, riskProcess],
      [tradingOnApproval, approved], // Kafka hop
      [routed, tradingOnApproval],
      [brokerProcess, routed], // Kafka hop
      [executed, brokerProcess],
      [tradingOnExecution, executed], // Kafka hop
      [filled, tradingOnExecution],
      [notified, filled], // Kafka hop
    ];
    expect(links(chain)).toEqual(chain.map(([c, p]) => `${c.service}:${c.name} ← ${p.service}:${p.name}`));
    expect(gatewayServer.parentSpanId).toBeUndefined(); // the root: the test's call carried no trace context
    expect(new Set(chain.flat().map((s) => s.service))).toEqual(new Set(['gateway', 'trading', 'risk', 'broker', 'notification']));
    // The pg instrumentation puts trading's queries under the request that made them.
    expect(inTrace(t).some((s) => s.service === 'trading' && s.kind === 'client' && s.parentSpanId === tradingServer.spanId && s.attributes['db.system.name'] === 'postgresql')).toBe(true);
    expect(receiver.rejected).toEqual([]);
  });

  it("continues a caller's trace through the gateway with one traceparent upstream", async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const r = await fetch(`${gw}/api/v1/orders/${randomUUID()}`, { headers: { authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${callerSpan}-01` } });
    expect(r.status).toBe(404);
    const tradingServer = await eventually('trading server span in the caller trace', async () => inTrace(traceId).find((s) => s.service === 'trading' && s.kind === 'server'));
    // each app exports on its own schedule: the gateway's spans may arrive after trading's
    await eventually('gateway server and client spans in the caller trace', async () =>
      inTrace(traceId).some((s) => s.service === 'gateway' && s.kind === 'server') && inTrace(traceId).some((s) => s.service === 'gateway' && s.kind === 'client') ? true : undefined,
    );
    const gatewayServer = spanIn(traceId, 'gateway', 'server');
    expect(gatewayServer.parentSpanId).toBe(callerSpan);
    expect(tradingServer.parentSpanId).toBe(spanIn(traceId, 'gateway', 'client').spanId);
  });

  it('keeps every app well under 300 MB of resident memory with tracing on', async () => {
    const rss = Object.fromEntries(
      await Promise.all(
        APPS.map(async (app) => {
          const metrics = await (await fetch(`http://127.0.0.1:${FIRST_PORT + PORT_ORDER.indexOf(app)}/metrics`)).text();
          return [app, Math.round(Number(/^process_resident_memory_bytes (\S+)$/m.exec(metrics)?.[1]) / 1e6)] as const;
        }),
      ),
    );
    process.stdout.write(`resident memory with tracing (MB): ${JSON.stringify(rss)}\n`);
    for (const [app, mb] of Object.entries(rss)) expect({ app, under300: mb < 300 }).toEqual({ app, under300: true });
  });
});
