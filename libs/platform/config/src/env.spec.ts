import { z } from 'zod';
import { ConfigError, loadEnv } from './env';
import { kafkaBrokers, port } from './common';

const schema = z.object({ PORT: port(3000), KAFKA_BROKERS: kafkaBrokers, SECRET: z.string().min(8) });

describe('loadEnv', () => {
  it('parses and applies defaults', () => {
    const env = loadEnv(schema, { KAFKA_BROKERS: 'a:9092, b:9093', SECRET: '12345678' });
    expect(env).toEqual({ PORT: 3000, KAFKA_BROKERS: ['a:9092', 'b:9093'], SECRET: '12345678' });
  });

  it('names a missing variable', () => {
    expect(() => loadEnv(schema, { SECRET: '12345678' })).toThrow(/KAFKA_BROKERS: is required/);
  });

  it('names every malformed variable', () => {
    try {
      loadEnv(schema, { PORT: 'eighty', KAFKA_BROKERS: 'nohostport', SECRET: 'short' });
      throw new Error('expected ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).issues.map((i) => i.variable).sort()).toEqual(['KAFKA_BROKERS.0', 'PORT', 'SECRET']);
    }
  });
});
