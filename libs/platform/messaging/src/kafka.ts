import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';

export type { Kafka } from 'kafkajs';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  logLevel?: 'error' | 'warn' | 'info' | 'debug' | 'nothing';
}

const LEVELS = { nothing: logLevel.NOTHING, error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO, debug: logLevel.DEBUG };

export function createKafka(o: KafkaOptions): Kafka {
  const config: KafkaConfig = {
    brokers: o.brokers,
    clientId: o.clientId,
    logLevel: LEVELS[o.logLevel ?? 'error'],
    retry: { initialRetryTime: 200, retries: 10 },
    connectionTimeout: 3000,
  };
  return new Kafka(config);
}
