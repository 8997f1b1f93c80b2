import { z } from 'zod';
import { kafkaSecurityVariables } from '@alphintra/platform-messaging';

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** The outbox's limits (ADR 0026), inbox retention and consumer tries (ADR 0015), for every service. */
export const messagingEnv = z.object({
  /** Pending outbox rows beyond which writes that record events answer 503. */
  OUTBOX_MAX_PENDING: int(1, 100_000_000, 50_000),
  /** Age of the oldest pending outbox row beyond which writes that record events answer 503. */
  OUTBOX_MAX_AGE_SECONDS: int(1, 604_800, 300),
  /** Inbox rows are purged after this; keep it above the topics' retention (7 days by default). */
  MESSAGING_INBOX_RETENTION_DAYS: int(1, 3_650, 14),
  /** Tries of a message whose handler fails or crashes the process before it is dead-lettered. */
  CONSUMER_MAX_ATTEMPTS: int(1, 100, 3),
  /**
   * Optional, ADR 0028: KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD, KAFKA_SSL,
   * KAFKA_SSL_CA_FILE. Absent: PLAINTEXT without an identity. The Kafka client checks how they go
   * together (and reads the CA file) when the platform module creates it, before the app listens.
   */
  ...kafkaSecurityVariables.shape,
});

export type MessagingEnv = z.infer<typeof messagingEnv>;
