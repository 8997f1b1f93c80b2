import { ConfigError } from '@alphintra/platform-config';
import { loadTracingEnv } from './tracing';

describe('loadTracingEnv', () => {
  it('is off without an endpoint, or with an empty one', () => {
    expect(loadTracingEnv({})).toBeUndefined();
    expect(loadTracingEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_BSP_SCHEDULE_DELAY: '200' })).toBeUndefined();
  });

  it('sends to <endpoint>/v1/traces, or to the traces endpoint as given', () => {
    expect(loadTracingEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({ url: 'http://collector:4318/v1/traces', scheduledDelayMillis: 5000 });
    expect(
      loadTracingEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/otlp', OTEL_BSP_SCHEDULE_DELAY: '250' }),
    ).toEqual({ url: 'https://traces.example.com/otlp', scheduledDelayMillis: 250 });
  });

  it('names each malformed variable', () => {
    try {
      loadTracingEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318', OTEL_BSP_SCHEDULE_DELAY: 'soon' });
      throw new Error('expected ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).issues.map((i) => i.variable).sort()).toEqual(['OTEL_BSP_SCHEDULE_DELAY', 'OTEL_EXPORTER_OTLP_ENDPOINT']);
    }
  });
});
