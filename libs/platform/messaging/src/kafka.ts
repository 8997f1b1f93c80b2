import { Kafka, logLevel, type KafkaConfig, type logCreator } from 'kafkajs';
import { kafkaSecurityFromEnv, type KafkaSecurity } from './kafka-security';
import { silentLogger, type MessagingLogger } from './logger';

export type { Kafka } from 'kafkajs';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  logLevel?: 'error' | 'warn' | 'info' | 'debug' | 'nothing';
  logger?: MessagingLogger;
  /**
   * SASL identity and TLS (ADR 0028). Absent: read from the optional `KAFKA_SASL_*` / `KAFKA_SSL*`
   * variables, and with none of them set, PLAINTEXT without an identity as before. `{}` forces that.
   */
  security?: KafkaSecurity;
}

const LEVELS = { nothing: logLevel.NOTHING, error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO, debug: logLevel.DEBUG };

/** kafkajs's own log lines, into the service's structured log. */
const toLogger =
  (logger: MessagingLogger): logCreator =>
  () =>
  ({ level, log }) => {
    const { message, ...fields } = log;
    const entry = { component: 'kafkajs', ...fields };
    if (level <= logLevel.ERROR) logger.error(entry, message);
    else if (level === logLevel.WARN) logger.warn(entry, message);
    else logger.info(entry, message);
  };

export function createKafka(o: KafkaOptions): Kafka {
  const security = o.security ?? kafkaSecurityFromEnv();
  const config: KafkaConfig = {
    brokers: o.brokers,
    clientId: o.clientId,
    logLevel: LEVELS[o.logLevel ?? 'warn'],
    logCreator: toLogger(o.logger ?? silentLogger),
    retry: { initialRetryTime: 200, retries: 10 },
    connectionTimeout: 3000,
    ...(security.sasl && { sasl: { ...security.sasl } as KafkaConfig['sasl'] }),
    ...(security.ssl && { ssl: security.ssl.ca ? { ca: [security.ssl.ca] } : true }),
  };
  return new Kafka(config);
}
