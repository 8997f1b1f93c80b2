import { z } from 'zod';

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** `host:port[,host:port]` */
export const kafkaBrokers = z
  .string()
  .min(1)
  .transform((v) => v.split(',').map((b) => b.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, 'expected host:port')).min(1));

export const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

/** Variables every HTTP service reads. */
export const serviceBaseEnv = z.object({
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: logLevel,
  KAFKA_BROKERS: kafkaBrokers,
  KAFKA_TOPIC_PREFIX: z.string().default(''),
});
