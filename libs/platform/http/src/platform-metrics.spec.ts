import { metricsRegistry } from './metrics';
import { consumerObserver, METRICS_PROBE_TIMEOUT_MS, registerMetricsSource } from './platform-metrics';

const never = <T>() => new Promise<T>(() => undefined);
const sample = (text: string, line: RegExp) => text.split('\n').find((l) => line.test(l));

describe('scrape-time platform metrics', () => {
  const unregister: (() => void)[] = [];
  afterEach(() => unregister.splice(0).forEach((u) => u()));

  it('reports each source', async () => {
    unregister.push(
      registerMetricsSource({
        service: 'trading',
        groupId: 'trading-service',
        outbox: async () => ({ pending: 3, oldestAgeSeconds: 1.5 }),
        lag: async () => [{ topic: 't', partition: 2, lag: 7 }],
        deadLetters: async () => [{ topic: 't', messages: 1 }],
      }),
    );
    consumerObserver('trading-service').counted('dead_lettered', 't', 1);
    const text = await metricsRegistry.metrics();
    expect(sample(text, /^outbox_pending_events\{/)).toBe('outbox_pending_events{service="trading"} 3');
    expect(sample(text, /^outbox_oldest_pending_age_seconds\{/)).toBe('outbox_oldest_pending_age_seconds{service="trading"} 1.5');
    expect(sample(text, /^kafka_consumer_group_lag\{/)).toBe('kafka_consumer_group_lag{group="trading-service",topic="t",partition="2"} 7');
    expect(sample(text, /^kafka_dead_letter_messages\{/)).toBe('kafka_dead_letter_messages{topic="t"} 1');
    expect(sample(text, /^events_consumed_total\{/)).toBe('events_consumed_total{group="trading-service",topic="t",outcome="dead_lettered"} 1');
  });

  it('answers without what a hung or failing database or broker cannot tell, and never queries a hung one twice at once', async () => {
    let outboxCalls = 0;
    unregister.push(
      registerMetricsSource({
        service: 'risk',
        groupId: 'risk-service',
        outbox: () => (outboxCalls++, never()),
        lag: () => Promise.reject(new Error('KafkaJSConnectionError: Connection refused')),
        deadLetters: () => never(),
      }),
    );
    const started = Date.now();
    const [first, second] = await Promise.all([metricsRegistry.metrics(), metricsRegistry.metrics()]);
    const third = await metricsRegistry.metrics();
    expect(Date.now() - started).toBeLessThan(3 * METRICS_PROBE_TIMEOUT_MS + 1000);
    for (const text of [first, second, third]) {
      expect(text).toMatch(/^process_cpu_user_seconds_total /m);
      expect(text).not.toMatch(/^outbox_pending_events\{service="risk"\}/m);
      expect(text).not.toMatch(/^kafka_consumer_group_lag\{group="risk-service"/m);
    }
    expect(outboxCalls).toBe(1);
    const failures = await metricsRegistry.getSingleMetricAsString('metrics_probe_failures_total');
    // the hung outbox query is one failure however many scrapes waited on it; each refused lag request is one
    expect(failures).toMatch(/^metrics_probe_failures_total\{probe="outbox"\} 1$/m);
    expect(failures).toMatch(/^metrics_probe_failures_total\{probe="lag"\} [2-3]$/m);
  });
});
