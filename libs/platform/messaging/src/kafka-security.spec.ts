import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeKafkaSecurity, kafkaSecurityFromEnv, KafkaSecurityConfigError } from './kafka-security';

describe('Kafka security from the environment (ADR 0028)', () => {
  it('is nothing at all without the variables: PLAINTEXT, no identity, as before', () => {
    expect(kafkaSecurityFromEnv({ KAFKA_BROKERS: '127.0.0.1:9092' })).toEqual({});
  });

  it('takes a SASL identity and TLS with a CA file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-ca-'));
    writeFileSync(join(dir, 'ca.crt'), '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    const s = kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'alphintra-trading', KAFKA_SASL_PASSWORD: 'secret-secret', KAFKA_SSL_CA_FILE: join(dir, 'ca.crt') });
    expect(s).toEqual({ sasl: { mechanism: 'scram-sha-512', username: 'alphintra-trading', password: 'secret-secret' }, ssl: { ca: expect.stringContaining('BEGIN CERTIFICATE') } });
    expect(describeKafkaSecurity(s)).toBe('SSL SASL SCRAM-SHA-512 as alphintra-trading');
    expect(kafkaSecurityFromEnv({ KAFKA_SSL: 'true' })).toEqual({ ssl: {} });
  });

  it('names every variable that is missing or wrong', () => {
    expect(() => kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toThrow(/KAFKA_SASL_USERNAME: is required[\s\S]*KAFKA_SASL_PASSWORD: is required/);
    expect(() => kafkaSecurityFromEnv({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toThrow(/KAFKA_SASL_MECHANISM: is required/);
    expect(() => kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toThrow(KafkaSecurityConfigError);
    expect(() => kafkaSecurityFromEnv({ KAFKA_SSL_CA_FILE: '/nonexistent/ca.crt' })).toThrow(/KAFKA_SSL_CA_FILE: cannot read/);
  });
});
