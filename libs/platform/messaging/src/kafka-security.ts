import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** SASL mechanisms the clients speak; per-service identities use SCRAM-SHA-512 (ADR 0028). */
export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/** Who a client is to Kafka and how it reaches it; `{}` is PLAINTEXT without an identity (the local default). */
export interface KafkaSecurity {
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
  /** TLS to the brokers; `ca` (PEM) replaces the system's trusted authorities. */
  ssl?: { ca?: string };
}

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * The optional variables of Kafka's security, for every client (services, gateway, ops). Absent,
 * nothing changes: PLAINTEXT, no identity. `KAFKA_SASL_MECHANISM` asks for the username and
 * password too; `KAFKA_SSL_CA_FILE` implies `KAFKA_SSL=true`.
 */
export const kafkaSecurityVariables = z.object({
  KAFKA_SASL_MECHANISM: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(KAFKA_SASL_MECHANISMS))
    .optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_SSL: flag.optional(),
  /** A PEM file of the authorities that signed the brokers' certificates (a managed cluster's CA). */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
});

/** The variables with the rules that bind them together. */
export const kafkaSecurityEnv = kafkaSecurityVariables.superRefine((e, ctx) => {
  if (e.KAFKA_SASL_MECHANISM) {
    if (!e.KAFKA_SASL_USERNAME) ctx.addIssue({ code: 'custom', path: ['KAFKA_SASL_USERNAME'], message: 'is required with KAFKA_SASL_MECHANISM' });
    if (!e.KAFKA_SASL_PASSWORD) ctx.addIssue({ code: 'custom', path: ['KAFKA_SASL_PASSWORD'], message: 'is required with KAFKA_SASL_MECHANISM' });
  } else if (e.KAFKA_SASL_USERNAME || e.KAFKA_SASL_PASSWORD) {
    ctx.addIssue({ code: 'custom', path: ['KAFKA_SASL_MECHANISM'], message: 'is required with KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD (e.g. scram-sha-512)' });
  }
  if (e.KAFKA_SSL === false && e.KAFKA_SSL_CA_FILE) ctx.addIssue({ code: 'custom', path: ['KAFKA_SSL_CA_FILE'], message: 'is set while KAFKA_SSL=false' });
});

export type KafkaSecurityEnv = z.infer<typeof kafkaSecurityEnv>;

export class KafkaSecurityConfigError extends Error {
  override name = 'KafkaSecurityConfigError';
}

/** The security the variables describe (the CA file is read here, so a wrong path fails at start-up). */
export function kafkaSecurityOf(e: KafkaSecurityEnv): KafkaSecurity {
  const security: KafkaSecurity = {};
  if (e.KAFKA_SASL_MECHANISM) security.sasl = { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME!, password: e.KAFKA_SASL_PASSWORD! };
  if (e.KAFKA_SSL || e.KAFKA_SSL_CA_FILE) {
    let ca: string | undefined;
    if (e.KAFKA_SSL_CA_FILE) {
      try {
        ca = readFileSync(e.KAFKA_SSL_CA_FILE, 'utf8');
      } catch (err) {
        throw new KafkaSecurityConfigError(`KAFKA_SSL_CA_FILE: cannot read ${e.KAFKA_SSL_CA_FILE} (${(err as Error).message})`);
      }
    }
    security.ssl = ca ? { ca } : {};
  }
  return security;
}

/** Reads and checks the variables; every problem is named in the error. */
export function kafkaSecurityFromEnv(source: NodeJS.ProcessEnv = process.env): KafkaSecurity {
  const parsed = kafkaSecurityEnv.safeParse(source);
  if (!parsed.success) {
    throw new KafkaSecurityConfigError(
      `Invalid Kafka security configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  return kafkaSecurityOf(parsed.data);
}

/** For logs and errors: the identity and transport, never the password. */
export const describeKafkaSecurity = (s: KafkaSecurity): string =>
  `${s.ssl ? 'SSL' : 'PLAINTEXT'}${s.sasl ? ` SASL ${s.sasl.mechanism.toUpperCase()} as ${s.sasl.username}` : ''}`;
